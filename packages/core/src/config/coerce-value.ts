/** A value a template may produce from text. */
export type CoercedValue = string | number | boolean | null;

const INTEGER = /^[-+]?(0|[1-9]\d*)$/;
const FLOAT = /^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+|\.\d+[eE][-+]?\d+)$/;

/**
 * Turns template text into a value: `true`/`True` and `false`/`False` → boolean, `null`/`None`
 * → null, a decimal integer or float (optionally signed) → number, anything else stays text.
 * Integers with leading zeros (`007`) and integers too big to be exact stay text.
 */
export function coerceValue(text: string): CoercedValue {
  switch (text) {
    case 'true':
    case 'True':
      return true;
    case 'false':
    case 'False':
      return false;
    case 'null':
    case 'None':
      return null;
  }
  if (INTEGER.test(text)) {
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : text;
  }
  if (FLOAT.test(text)) {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  return text;
}
