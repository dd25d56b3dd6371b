import { readFile } from 'node:fs/promises';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { describeReadError } from './read-yaml.js';

/** Path used in issues about env files. */
export const ENV_FILE_PATH = '(env file)';

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/s;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** The values of one env file, and what was wrong with it. */
export interface ParsedEnvFile {
  readonly values: Readonly<Record<string, string>>;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Parses the text of an env file: `KEY=VALUE` lines, blank lines and `#` comments ignored, an
 * optional `export ` prefix, values optionally in `"double"` (with `\n`, `\t`, `\"`, `\\`
 * escapes) or `'single'` (literal) quotes; an unquoted value ends at ` #`. A later line wins.
 *
 * @throws ConfigError listing every malformed line.
 */
export function parseEnvFile(text: string, file = '.env'): Record<string, string> {
  const { values, issues } = parseEnvText(text, file);
  if (issues.length > 0) throw new ConfigError(issues);
  return values;
}

/** Like {@link parseEnvFile}, but returns the issues instead of throwing. */
export function parseEnvText(text: string, file: string): ParsedEnvFile {
  // A prototype-less map: a key named `__proto__` is just a key.
  const values = Object.create(null) as Record<string, string>;
  const issues: ConfigIssue[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = { file, path: ENV_FILE_PATH, line: index + 1, column: 1 };
    const match = ASSIGNMENT.exec(line.replace(/^export\s+/, ''));
    if (match === null) {
      issues.push({ ...where, message: 'expected KEY=VALUE', got: line });
      return;
    }
    const key = match[1] ?? '';
    const value = parseValue(match[2] ?? '');
    if (value === undefined) {
      issues.push({
        ...where,
        path: key,
        message: 'unterminated quote or text after the closing quote',
        got: line,
      });
      return;
    }
    values[key] = value;
  });
  return { values, issues };
}

/** Reads env files in order; a missing file or a malformed line is an issue. */
export async function readEnvFiles(
  files: readonly string[],
  issues: ConfigIssue[],
): Promise<Readonly<Record<string, string>>[]> {
  const layers: Readonly<Record<string, string>>[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      issues.push({ file, path: ENV_FILE_PATH, message: describeReadError(error) });
      continue;
    }
    const parsed = parseEnvText(text, file);
    issues.push(...parsed.issues);
    layers.push(parsed.values);
  }
  return layers;
}

/** The value of one assignment, or `undefined` when its quotes are broken. */
function parseValue(source: string): string | undefined {
  const quote = source[0];
  if (quote !== '"' && quote !== "'") return source.replace(/\s+#.*$/, '').trim();
  let value = '';
  for (let index = 1; index < source.length; index += 1) {
    const char = source[index] ?? '';
    if (char === quote) {
      const rest = source.slice(index + 1).trim();
      return rest === '' || rest.startsWith('#') ? value : undefined;
    }
    if (quote === '"' && char === '\\') {
      const next = source[index + 1] ?? '';
      value += ESCAPES[next] ?? `\\${next}`;
      index += 1;
    } else {
      value += char;
    }
  }
  return undefined;
}
