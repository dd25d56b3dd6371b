import type { DataType } from './data-type.js';
import { mismatch } from './decode-issue.js';
import { isUuidString } from './uuid-bytes.js';
import { plainShape, uuidShape } from './wire-shape.js';

function builtin<T>(typeName: string, check: (value: unknown) => T): DataType<T> {
  return Object.freeze({ typeName, shape: plainShape, check });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `String`: a string, never a coerced number or bytes. */
export const stringType: DataType<string> = builtin('String', (value) =>
  typeof value === 'string' ? value : mismatch('String', value),
);

/**
 * `Number`: a number (`NaN`/`Infinity` included, as floats carry them). A `bigint` within the
 * safe-integer range is also accepted and returned as a number: other msgpack writers (Python)
 * store integers above 2^32 as int64, which msgpackr reads as `bigint`. Strings never are.
 */
export const numberType: DataType<number> = builtin('Number', (value) => {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' && value >= MIN_SAFE && value <= MAX_SAFE) return Number(value);
  return mismatch('Number', value);
});
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `Boolean`: `true` or `false`, never a truthy number. */
export const booleanType: DataType<boolean> = builtin('Boolean', (value) =>
  typeof value === 'boolean' ? value : mismatch('Boolean', value),
);

/**
 * `BigInt`: a `bigint`; a safe integer number is also accepted and returned as a `bigint`
 * (msgpack has one integer type, and compact writers store small integers as fixints). Fractions,
 * unsafe integers and strings are refused.
 */
export const bigintType: DataType<bigint> = builtin('BigInt', (value) => {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return mismatch('BigInt', value);
});

/** `Date`: a valid `Date` (an Invalid Date is refused). */
export const dateType: DataType<Date> = builtin('Date', (value) =>
  value instanceof Date && !Number.isNaN(value.getTime()) ? value : mismatch('Date', value),
);

/** `Set`: a `Set` (a msgpack array is not one). */
export const setType: DataType<Set<unknown>> = builtin('Set', (value) =>
  value instanceof Set ? value : mismatch('Set', value),
);

/** `Map`: a `Map` (a plain object is not one). */
export const mapType: DataType<Map<unknown, unknown>> = builtin('Map', (value) =>
  value instanceof Map ? value : mismatch('Map', value),
);

/** `Uint8Array`: bytes (a `Buffer` is one). */
export const uint8ArrayType: DataType<Uint8Array> = builtin('Uint8Array', (value) =>
  value instanceof Uint8Array ? value : mismatch('Uint8Array', value),
);

/** `Buffer`: bytes, returned as a `Buffer` (a plain `Uint8Array` is wrapped without copying). */
export const bufferType: DataType<Buffer> = builtin('Buffer', (value) => {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return mismatch('Buffer', value);
});

/** `Array`: an array of anything. */
export const arrayType: DataType<unknown[]> = builtin('Array', (value) =>
  Array.isArray(value) ? (value as unknown[]) : mismatch('Array', value),
);

/** `Object`: a plain object (not an array, `Map`, `Date`…). */
export const objectType: DataType<Record<string, unknown>> = builtin('Object', (value) =>
  isPlainObject(value) ? value : mismatch('Object', value),
);

/** The data type of each built-in token. */
export const BUILTIN_TYPES: ReadonlyMap<unknown, DataType<unknown>> = new Map<unknown, DataType<unknown>>([
  [String, stringType],
  [Number, numberType],
  [Boolean, booleanType],
  [BigInt, bigintType],
  [Date, dateType],
  [Set, setType],
  [Map, mapType],
  [Uint8Array, uint8ArrayType],
  [Buffer, bufferType],
  [Array, arrayType],
  [Object, objectType],
]);

/**
 * A UUID string (canonical `8-4-4-4-12` hex), stored as 16 bytes and read back in lowercase.
 * Not a JS built-in, but used the same way: `arrayOf(Uuid)`, or in a hand-written struct layout.
 */
export const Uuid: DataType<string> = Object.freeze({
  typeName: 'Uuid',
  shape: uuidShape,
  check: (value: unknown): string => (isUuidString(value) ? value : mismatch('Uuid', value)),
});
