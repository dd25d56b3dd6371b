import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath, type PathSegment } from './config-path.js';
import { toCamelCase } from './key-case.js';
import type { PlainObject } from './plain-object.js';

/** A map whose keys were camelCased, and how the user spelled each key. */
export interface NormalizedKeys {
  /** The same values under camelCase keys. */
  readonly values: PlainObject;
  /** camelCase key → the key as written in the file. */
  readonly spelling: ReadonlyMap<string, string>;
}

/**
 * camelCases the keys of one map (not of nested maps): `max_batch_size` and `maxBatchSize` are
 * the same key. Giving both spellings of one key is an issue; the first one written is kept.
 */
export function normalizeKeys(
  map: PlainObject,
  where: { readonly file: string; readonly path: readonly PathSegment[] },
  issues: ConfigIssue[],
): NormalizedKeys {
  const values: PlainObject = {};
  const spelling = new Map<string, string>();
  for (const [key, value] of Object.entries(map)) {
    const camel = toCamelCase(key);
    const first = spelling.get(camel);
    if (first !== undefined) {
      issues.push({
        file: where.file,
        path: formatPath([...where.path, key]),
        message: `"${first}" and "${key}" are the same key; keep one`,
      });
      continue;
    }
    spelling.set(camel, key);
    values[camel] = value;
  }
  return { values, spelling };
}
