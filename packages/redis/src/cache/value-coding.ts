import { decodeValue } from './codec/decode-value.js';
import { encodeValue } from './codec/encode-value.js';
import type { TypeToken } from './codec/type-token.js';
import type { OpContext } from './cache-op.js';
import type { ValueOf } from './cache-types.js';

/** Encodes a value for `key` with the codec: checked against `type`, within `maxValueBytes`. */
export function encodeFor(
  context: OpContext,
  key: string,
  value: unknown,
  type: TypeToken | undefined,
): Buffer {
  return type === undefined
    ? encodeValue(value, undefined, { maxValueBytes: context.maxValueBytes, key })
    : encodeValue(value as never, type, { maxValueBytes: context.maxValueBytes, key });
}

/** Decodes a bulk reply of `key` (a Buffer) as `type`; throws `CacheDecodeError`. */
export function decodeAs<K extends TypeToken | undefined>(bytes: Buffer, type: K, key: string): ValueOf<K> {
  return (
    type === undefined ? decodeValue(bytes, undefined, key) : decodeValue(bytes, type, key)
  ) as ValueOf<K>;
}

/** Decodes a bulk reply that may be nil (a missing key or field) to `null`. */
export function decodeOrNull<K extends TypeToken | undefined>(
  reply: unknown,
  type: K,
  key: string,
): ValueOf<K> | null {
  return reply === null || reply === undefined ? null : decodeAs(asBytes(reply), type, key);
}

/** Decodes an array reply of values (LRANGE, LPOP with a count); nil is an empty list. */
export function decodeList<K extends TypeToken | undefined>(
  reply: unknown,
  type: K,
  key: string,
): ValueOf<K>[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) throw new TypeError(`expected a list reply for key "${key}"`);
  return reply.map((item: unknown) => decodeAs(asBytes(item), type, key));
}

function asBytes(reply: unknown): Buffer {
  if (Buffer.isBuffer(reply)) return reply;
  if (typeof reply === 'string') return Buffer.from(reply, 'utf8');
  throw new TypeError(`expected a bulk string reply, got ${typeof reply}`);
}
