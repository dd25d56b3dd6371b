import typia, { type IValidation, type tags } from 'typia';
import type { ConfigIssue } from '../errors/config-error.js';
import type { ServiceRegistry } from '../services/service-registry.js';
import type { ServiceConfig } from './app-config.js';
import { formatPath, type PathSegment } from './config-path.js';
import { loadSettings } from './load-settings.js';
import { normalizeKeys } from './normalize-keys.js';
import { isPlainObject, type PlainObject } from './plain-object.js';
import { suggestName } from './suggest-name.js';
import { typiaIssues } from './typia-issues.js';
import { validateWithTextFallback } from './validate-with-text-fallback.js';

/** One `services:` entry as it may be written (camelCase keys; snake_case is accepted too). */
export interface ServiceEntryInput {
  /** Registered class name. */
  cls: string & tags.MinLength<1>;
  /** Unique service name. @default the class's `static serviceName`, else the class name */
  name?: string & tags.MinLength<1>;
  /** `false`: the service is never built. @default true */
  enabled?: boolean;
  /** `false`: an init failure is logged, not fatal. @default true */
  required?: boolean;
  /** `true`: replaces an earlier entry of the same name. @default false */
  override?: boolean;
  /** Names of services to initialise first. @default [] */
  dependsOn?: (string & tags.MinLength<1>)[] | null;
  /** Init timeout of this service in ms. @default app.initTimeoutMs */
  initTimeoutMs?: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /** Settings of the class. @default {} */
  settings?: Record<string, unknown> | null;
}

const validateEntry: (input: unknown) => IValidation<ServiceEntryInput> =
  typia.createValidateEquals<ServiceEntryInput>();
const ENTRY_KEYS: readonly string[] = typia.misc.literals<keyof ServiceEntryInput>();

/** A checked service entry, before names are made unique. */
export interface ServiceEntryDraft {
  /** Index in the merged `services:` list. */
  readonly index: number;
  readonly config: ServiceConfig;
  /** camelCase field → the field as written, to report issues at the user's spelling. */
  readonly spelling: ReadonlyMap<string, string>;
}

/** What loading a service entry needs. */
export interface ServiceEntryContext {
  readonly fileOf: (segments: readonly PathSegment[]) => string;
  readonly texts: ReadonlyMap<string, string>;
  readonly registry: ServiceRegistry;
}

/**
 * Checks the entry at `services[index]`: a bare string is `{ cls: ... }`; fields are validated,
 * the class is looked up (unknown → issue with the closest registered name) and the settings are
 * validated (for disabled entries too). Returns `undefined` when the entry is unusable.
 */
export function loadServiceEntry(
  raw: unknown,
  index: number,
  context: ServiceEntryContext,
  issues: ConfigIssue[],
): ServiceEntryDraft | undefined {
  const base: PathSegment[] = ['services', index];
  const file = context.fileOf(base);
  const entry = typeof raw === 'string' ? { cls: raw } : raw;
  if (!isPlainObject(entry)) {
    issues.push({
      file,
      path: formatPath(base),
      message: 'a service entry is a class name or a map',
      expected: 'a string or a map with cls:',
      got: raw,
    });
    return undefined;
  }
  const { values, spelling } = normalizeKeys(entry, { file, path: base }, issues);
  const written = (key: string): string => spelling.get(key) ?? key;
  const result = validateWithTextFallback(validateEntry, values, (key) =>
    context.texts.get(formatPath([...base, written(key)])),
  );
  if (!result.success) {
    issues.push(
      ...typiaIssues(result.errors, { fileOf: () => file, base, spelling, keys: ENTRY_KEYS, noun: 'field' }),
    );
  }
  const data = isPlainObject(result.data) ? result.data : values;
  const cls = pick(data, 'cls', isNonEmptyString);
  if (cls === undefined) return undefined;

  const serviceClass = context.registry.get(cls);
  let settings: PlainObject = {};
  if (serviceClass === undefined) {
    const suggestion = suggestName(cls, context.registry.names());
    issues.push({
      file,
      path: formatPath([...base, written('cls')]),
      message: 'unknown service class',
      expected: 'a class registered by a module in packages:',
      got: cls,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  } else {
    const settingsBase = [...base, written('settings')];
    settings = loadSettings(
      serviceClass,
      data['settings'],
      { file, base: settingsBase, texts: context.texts },
      issues,
    );
  }

  const initTimeoutMs = pick(data, 'initTimeoutMs', isNumber);
  const dependsOn = pick(data, 'dependsOn', isList) ?? [];
  const config: ServiceConfig = {
    cls,
    name: pick(data, 'name', isNonEmptyString) ?? serviceClass?.serviceName ?? cls,
    enabled: pick(data, 'enabled', isBoolean) ?? true,
    required: pick(data, 'required', isBoolean) ?? true,
    override: pick(data, 'override', isBoolean) ?? false,
    dependsOn: dependsOn.filter(isNonEmptyString),
    ...(initTimeoutMs === undefined ? {} : { initTimeoutMs }),
    settings,
    source: { file, path: formatPath(base) },
  };
  return { index, config, spelling };
}

function pick<T>(data: PlainObject, key: string, guard: (value: unknown) => value is T): T | undefined {
  const value = data[key];
  return guard(value) ? value : undefined;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
