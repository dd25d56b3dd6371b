/** A parsed YAML map. */
export type PlainObject = Record<string, unknown>;

/** True for a YAML map (a non-null, non-array object). */
export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
