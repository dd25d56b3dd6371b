import typia, { type IValidation, type tags } from 'typia';
import type { ConfigIssue } from '../errors/config-error.js';
import type { AppSection } from './app-config.js';
import { formatPath, type PathSegment } from './config-path.js';
import { normalizeKeys } from './normalize-keys.js';
import type { PlainObject } from './plain-object.js';
import { typiaIssues } from './typia-issues.js';
import { validateWithTextFallback } from './validate-with-text-fallback.js';

/** The `app:` section as it may be written (camelCase keys; snake_case is accepted too). */
export interface AppSectionInput {
  /** Application name, the middle part of namespaced keys. @default "app" */
  name?: string & tags.MinLength<1>;
  /** Environment name, the first part of namespaced keys. @default "dev" */
  env?: string & tags.MinLength<1>;
  /** Instance id; a random one is generated when unset. */
  id?: string & tags.MinLength<1>;
  /** Default init timeout per service in ms. @default 30000 */
  initTimeoutMs?: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /** Bound on close per service in ms. @default 10000 */
  closeTimeoutMs?: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /** pino log level. @default "info" */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Record Prometheus metrics (`false` turns every service's metrics into no-ops). @default true */
  metrics?: boolean;
}

const validateAppSection: (input: unknown) => IValidation<AppSectionInput> =
  typia.createValidateEquals<AppSectionInput>();
const APP_KEYS: readonly string[] = typia.misc.literals<keyof AppSectionInput>();

/** Values of the `app:` section that the config does not set. */
export const APP_DEFAULTS = {
  name: 'app',
  env: 'dev',
  initTimeoutMs: 30_000,
  closeTimeoutMs: 10_000,
  logLevel: 'info',
  metrics: true,
} as const satisfies Omit<AppSection, 'id'>;

/** Where the `app:` section came from, and the texts of templated values. */
export interface AppSectionContext {
  readonly fileOf: (segments: readonly PathSegment[]) => string;
  readonly texts: ReadonlyMap<string, string>;
}

/** Validates the merged `app:` section (typia) and applies {@link APP_DEFAULTS}. */
export function loadAppSection(
  raw: PlainObject,
  context: AppSectionContext,
  issues: ConfigIssue[],
): AppSection {
  const base = ['app'];
  const { values, spelling } = normalizeKeys(raw, { file: context.fileOf(base), path: base }, issues);
  const written = (key: string): string => spelling.get(key) ?? key;
  const result = validateWithTextFallback(validateAppSection, values, (key) =>
    context.texts.get(formatPath([...base, written(key)])),
  );
  if (!result.success) {
    issues.push(
      ...typiaIssues(result.errors, { fileOf: context.fileOf, base, spelling, keys: APP_KEYS, noun: 'key' }),
    );
    return { ...APP_DEFAULTS };
  }
  const { id, ...rest } = result.data;
  return { ...APP_DEFAULTS, ...rest, ...(id === undefined ? {} : { id }) };
}
