import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath, type PathSegment } from './config-path.js';
import { isPlainObject, type PlainObject } from './plain-object.js';

/** Most values one config file may expand to (YAML aliases can multiply a small file). */
export const MAX_CONFIG_VALUES = 200_000;

/**
 * Copies a parsed YAML tree into ordinary objects and arrays, dropping every `__proto__` key
 * with an issue, so that no later merge or spread can touch an object prototype. Aliased nodes
 * become independent copies. Stops with an issue past {@link MAX_CONFIG_VALUES} values.
 */
export function toPlainData(value: unknown, file: string, issues: ConfigIssue[]): unknown {
  const budget = { left: MAX_CONFIG_VALUES, exceeded: false };
  const copy = (node: unknown, segments: PathSegment[]): unknown => {
    if (budget.exceeded) return undefined;
    budget.left -= 1;
    if (budget.left < 0) {
      budget.exceeded = true;
      issues.push({
        file,
        path: formatPath(segments),
        message: `the document expands to more than ${MAX_CONFIG_VALUES} values (through aliases)`,
      });
      return undefined;
    }
    if (Array.isArray(node)) return node.map((item: unknown, index) => copy(item, [...segments, index]));
    if (!isPlainObject(node)) return node;
    const out: PlainObject = {};
    for (const key of Object.keys(node)) {
      if (key === '__proto__') {
        issues.push({
          file,
          path: formatPath([...segments, key]),
          message: '"__proto__" is not allowed as a key',
        });
        continue;
      }
      out[key] = copy(node[key], [...segments, key]);
    }
    return out;
  };
  return copy(value, []);
}
