import type { IValidation } from 'typia';

/** The keys of `T` whose values may be left out (declared with `?`). */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/** The part of a settings type that must have a default: every non-optional key. */
export type SettingsDefaults<T> = Pick<T, Exclude<keyof T, OptionalKeys<T>>> & Partial<T>;

/**
 * The declaration of a service's settings: the type (as a typia validator and its key list) and
 * the defaults. Declared once per service, next to the settings interface, whose TSDoc documents
 * each option; the config loader validates user settings against it before anything starts.
 */
export interface SettingsSpec<T extends object> {
  /** Validates user-supplied (already camelCased) settings; must reject unknown keys. */
  readonly validate: (input: unknown) => IValidation<Partial<T>>;
  /** Every valid key, used to suggest the closest one for a typo. */
  readonly keys: readonly string[];
  /** Values for every key the user may leave out. */
  readonly defaults: SettingsDefaults<T>;
}

/**
 * Declares a service's settings.
 *
 * ```ts
 * export interface MySettings { interval: number; label?: string }
 * export const mySettings = defineSettings<MySettings>({
 *   validate: typia.createValidateEquals<Partial<MySettings>>(),
 *   keys: typia.misc.literals<keyof MySettings>(),
 *   defaults: { interval: 1000 },
 * });
 * ```
 */
export function defineSettings<T extends object>(spec: SettingsSpec<T>): SettingsSpec<T> {
  return Object.freeze({ ...spec, keys: Object.freeze([...spec.keys]) });
}

/** Settings for services that declare none: the empty object, no keys allowed. */
export const noSettings: SettingsSpec<Record<string, never>> = defineSettings<Record<string, never>>({
  validate: (input: unknown): IValidation<Partial<Record<string, never>>> => {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      const errors = Object.entries(input).map(([key, value]) => ({
        path: `$input.${key}`,
        expected: 'undefined',
        value: value as unknown,
      }));
      if (errors.length === 0) return { success: true, data: {} };
      return { success: false, errors, data: input };
    }
    return { success: false, errors: [{ path: '$input', expected: 'object', value: input }], data: input };
  },
  keys: [],
  defaults: {},
});
