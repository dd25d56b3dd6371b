import type { WireShape } from './wire-shape.js';

/**
 * A runtime data type the cache encodes and checks values against: a struct, `arrayOf(…)`,
 * `setOf(…)`, `mapOf(…)`, or the type behind a built-in token such as `Set`.
 */
export interface DataType<T> {
  /** Readable type name for errors, e.g. `User` or `Array<User>`. */
  readonly typeName: string;
  /** How values are packed (positional structs, UUID bytes). */
  readonly shape: WireShape;
  /**
   * Returns `value` as a `T` — the same reference, or a normalised copy (e.g. a safe integer
   * read as `bigint`) — and never mutates it; throws the codec's `TypeMismatch` otherwise.
   */
  check(value: unknown): T;
}

/** True for a {@link DataType} object (as opposed to a built-in constructor token). */
export function isDataType(value: unknown): value is DataType<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<DataType<unknown>>).typeName === 'string' &&
    typeof (value as Partial<DataType<unknown>>).check === 'function' &&
    typeof (value as Partial<DataType<unknown>>).shape === 'object'
  );
}
