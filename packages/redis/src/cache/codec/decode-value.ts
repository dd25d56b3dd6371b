import { CacheDecodeError } from './cache-decode-error.js';
import { TypeMismatch } from './decode-issue.js';
import { cachePackr, NEVER_USED_MARKER } from './packr.js';
import { resolveType, type Decoded, type TypeToken } from './type-token.js';

/**
 * Decodes a cached msgpack value.
 *
 * Without `type`, returns the decoded value (Date, Set, Map, bigint and bytes keep their type;
 * maps are plain objects). With a `type`, the value is rebuilt in that type's form (structs from
 * their positional array) and checked; it is returned only if it matches.
 *
 * @param key the cache key, for the error.
 * @throws CacheDecodeError when the bytes are not one MessagePack value, or the value does not
 *   match `type`; `cause` holds the msgpack error or the validation issues.
 */
export function decodeValue(bytes: Uint8Array, type?: undefined, key?: string): unknown;
export function decodeValue<K extends TypeToken>(bytes: Uint8Array, type: K, key?: string): Decoded<K>;
export function decodeValue(bytes: Uint8Array, type?: TypeToken, key?: string): unknown {
  const dataType = type === undefined ? undefined : resolveType(type);
  let raw: unknown;
  try {
    raw = cachePackr.unpack(bytes);
  } catch (error) {
    throw new CacheDecodeError({ key, expected: dataType?.typeName ?? 'msgpack value', cause: error });
  }
  if (raw === NEVER_USED_MARKER) {
    throw new CacheDecodeError({
      key,
      expected: dataType?.typeName ?? 'msgpack value',
      cause: new TypeError('0xc1 is not a MessagePack value'),
    });
  }
  if (dataType === undefined) return raw;
  try {
    return dataType.check(dataType.shape.fromWire(raw));
  } catch (error) {
    throw new CacheDecodeError({
      key,
      expected: dataType.typeName,
      cause: error instanceof TypeMismatch ? error.issues : error,
    });
  }
}
