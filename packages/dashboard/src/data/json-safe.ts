// Turns decoded MessagePack values into JSON that says what they were (bigint, binary, Date…).

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * `value` as JSON: numbers that JSON cannot hold, bigints, binary data, dates and maps become
 * tagged objects (`{ "$bigint": "…" }`, `{ "$binary": "<base64>" }`, `{ "$date": "<ISO>" }`,
 * `{ "$number": "NaN" }`, `{ "$map": [[k, v], …] }`); anything nested deeper than 64 levels
 * becomes `{ "$truncated": "depth" }`. Object keys are copied as data properties, so a
 * `__proto__` key stays a key.
 */
export function toJsonSafe(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (depth >= MAX_DEPTH) return { $truncated: 'depth' };
  if (value instanceof Uint8Array) return { $binary: Buffer.from(value).toString('base64') };
  if (value instanceof Date) {
    return { $date: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  }
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, depth + 1));
  if (value instanceof Map) {
    return {
      $map: [...(value as Map<unknown, unknown>)].map(([k, v]) => [
        toJsonSafe(k, depth + 1),
        toJsonSafe(v, depth + 1),
      ]),
    };
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonSafe(v, depth + 1)]),
    );
  }
  return typeof value === 'symbol' ? value.toString() : '[function]';
}
