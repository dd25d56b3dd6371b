import type { ConfigIssue } from '../errors/config-error.js';
import type { RegisteredServiceClass } from '../services/service-registry.js';
import { noSettings } from '../settings/settings-spec.js';
import { formatPath, type PathSegment } from './config-path.js';
import { normalizeKeys } from './normalize-keys.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { typiaIssues } from './typia-issues.js';
import { validateWithTextFallback } from './validate-with-text-fallback.js';

/** Where a service entry's settings are. */
export interface SettingsContext {
  readonly file: string;
  /** Path of the settings map, e.g. `services[4].settings`. */
  readonly base: readonly PathSegment[];
  /** Path → text of values that templates coerced. */
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * Validates one entry's `settings:` against its class's `static settingsSpec` (`noSettings`
 * when it has none) and returns them over the spec's defaults. Top-level keys are camelCased
 * (`max_batch_size` → `maxBatchSize`); nested maps are passed through as written.
 */
export function loadSettings(
  cls: RegisteredServiceClass,
  raw: unknown,
  context: SettingsContext,
  issues: ConfigIssue[],
): PlainObject {
  const spec = cls.settingsSpec ?? noSettings;
  if (!isPlainObject(raw)) return { ...spec.defaults };
  const { values, spelling } = normalizeKeys(raw, { file: context.file, path: context.base }, issues);
  const written = (key: string): string => spelling.get(key) ?? key;
  let result: ReturnType<typeof spec.validate>;
  try {
    result = validateWithTextFallback(spec.validate, values, (key) =>
      context.texts.get(formatPath([...context.base, written(key)])),
    );
  } catch (error) {
    issues.push({
      file: context.file,
      path: formatPath(context.base),
      message: `the settings validator of ${cls.name} failed: ${error instanceof Error ? error.message : String(error)}`,
    });
    return { ...spec.defaults };
  }
  if (!result.success) {
    issues.push(
      ...typiaIssues(result.errors, {
        fileOf: () => context.file,
        base: context.base,
        spelling,
        keys: spec.keys,
        noun: 'setting',
      }),
    );
    return { ...spec.defaults };
  }
  return { ...spec.defaults, ...(result.data as PlainObject) };
}
