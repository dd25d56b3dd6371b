import { CacheEncodeError } from './cache-encode-error.js';
import { CacheValueTooLargeError } from './cache-value-too-large-error.js';
import { TypeMismatch } from './decode-issue.js';
import { tagMaps } from './map-wire.js';
import { cachePackr } from './packr.js';
import { resolveType, type Decoded, type TypeToken } from './type-token.js';

/** Options of {@link encodeValue}. */
export interface EncodeValueOptions {
  /** Refuse values longer than this many bytes once encoded (`CacheValueTooLargeError`). */
  readonly maxValueBytes?: number | undefined;
  /** The cache key, for error messages. */
  readonly key?: string | undefined;
}

/**
 * Encodes a value for the cache as msgpack.
 *
 * Without `type`, the value is packed as is (Date, Set, Map, bigint and bytes keep their type).
 * With a `type`, the value is first checked against it (structs by their typia validator) and
 * packed in that type's form: structs positionally, UUID fields as 16 bytes.
 *
 * @throws CacheEncodeError when the value does not match `type`, or msgpack cannot encode it.
 * @throws CacheValueTooLargeError when the encoding is longer than `options.maxValueBytes`.
 */
export function encodeValue<K extends TypeToken>(
  value: Decoded<K>,
  type: K,
  options?: EncodeValueOptions,
): Buffer;
export function encodeValue(value: unknown, type?: undefined, options?: EncodeValueOptions): Buffer;
export function encodeValue(value: unknown, type?: TypeToken, options?: EncodeValueOptions): Buffer {
  const dataType = type === undefined ? undefined : resolveType(type);
  let encoded: Buffer;
  try {
    encoded = cachePackr.pack(
      dataType === undefined ? tagMaps(value) : dataType.shape.toWire(dataType.check(value)),
    );
  } catch (error) {
    throw new CacheEncodeError({
      key: options?.key,
      expected: dataType?.typeName ?? 'msgpack value',
      cause: error instanceof TypeMismatch ? error.issues : error,
    });
  }
  const limit = options?.maxValueBytes;
  if (limit !== undefined && encoded.length > limit) {
    throw new CacheValueTooLargeError({ key: options?.key, size: encoded.length, limit });
  }
  return encoded;
}
