import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath } from './config-path.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { suggestName } from './suggest-name.js';

/** The keys a config file may have at the top level. */
export const TOP_LEVEL_KEYS: readonly string[] = ['packages', 'app', 'services', 'vars'];

/** The top level of one config file, each section checked for its kind (list or map). */
export interface ConfigDocument {
  readonly packages?: readonly unknown[];
  readonly app?: PlainObject;
  readonly services?: readonly unknown[];
  readonly vars?: PlainObject;
}

/**
 * Checks the top level of one file: only {@link TOP_LEVEL_KEYS}, `packages` and `services` are
 * lists, `app` and `vars` are maps (an empty section is allowed). Bad sections are reported and
 * left out.
 */
export function checkTopLevel(document: PlainObject, file: string, issues: ConfigIssue[]): ConfigDocument {
  const out: { packages?: unknown[]; app?: PlainObject; services?: unknown[]; vars?: PlainObject } = {};
  for (const [key, value] of Object.entries(document)) {
    switch (key) {
      case 'packages':
      case 'services':
        if (value === null) out[key] = [];
        else if (Array.isArray(value)) out[key] = value;
        else
          issues.push({
            file,
            path: formatPath([key]),
            message: `"${key}" must be a list`,
            expected: 'a list',
            got: value,
          });
        break;
      case 'app':
      case 'vars':
        if (value === null) out[key] = {};
        else if (isPlainObject(value)) out[key] = value;
        else
          issues.push({
            file,
            path: formatPath([key]),
            message: `"${key}" must be a map`,
            expected: 'a map',
            got: value,
          });
        break;
      default: {
        const suggestion = suggestName(key, TOP_LEVEL_KEYS);
        issues.push({
          file,
          path: formatPath([key]),
          message: 'unknown top-level key',
          expected: TOP_LEVEL_KEYS.join(', '),
          ...(suggestion === undefined ? {} : { suggestion }),
        });
      }
    }
  }
  return out;
}
