import { ConfigError, type ConfigIssue } from '../errors/config-error.js';

const VAR_ARG = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s;

/**
 * Parses `--var key=value` arguments into a map (a later one wins). The value is everything
 * after the first `=`, and may be empty.
 *
 * @throws ConfigError listing every argument that is not `key=value`.
 */
export function parseVarArgs(args: readonly string[]): Record<string, string> {
  // A prototype-less map: a key named `__proto__` is just a key.
  const values = Object.create(null) as Record<string, string>;
  const issues: ConfigIssue[] = [];
  for (const arg of args) {
    const match = VAR_ARG.exec(arg);
    if (match === null) {
      issues.push({ path: '--var', message: 'expected key=value', got: arg });
      continue;
    }
    values[match[1] ?? ''] = match[2] ?? '';
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return values;
}
