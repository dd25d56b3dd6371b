import type { IValidation } from 'typia';
import type { PlainObject } from './plain-object.js';
import { parseTypiaPath } from './typia-issues.js';

/**
 * Validates `input`; when a top-level value that a template coerced from text (`"0123"` → 123)
 * fails where a string is expected, it is given back its text and validated once more. So
 * `password: "[REDIS_PASSWORD]"` works for a numeric password.
 *
 * @param textOf the text a top-level value was coerced from, by (camelCase) key.
 */
export function validateWithTextFallback<T>(
  validate: (input: unknown) => IValidation<T>,
  input: PlainObject,
  textOf: (key: string) => string | undefined,
): IValidation<T> {
  const first = validate(input);
  if (first.success) return first;
  let patched: PlainObject | undefined;
  for (const error of first.errors) {
    const segments = parseTypiaPath(error.path);
    const key = segments[0];
    if (segments.length !== 1 || typeof key !== 'string' || typeof error.value === 'string') continue;
    if (!/\bstring\b/.test(error.expected)) continue;
    const text = textOf(key);
    if (text === undefined) continue;
    patched ??= { ...input };
    patched[key] = text;
  }
  return patched === undefined ? first : validate(patched);
}
