import type { TypeToken } from './codec/type-token.js';
import { CacheArgumentError } from './cache-argument-error.js';
import { singleOp, type CacheOp, type OpContext } from './cache-op.js';
import type { ValueOf } from './cache-types.js';
import { decodeList, encodeFor } from './value-coding.js';

/** LPUSH/RPUSH: the list's new length. No items: LLEN (the length, unchanged). */
export function pushOp(
  context: OpContext,
  name: 'lpush' | 'rpush',
  key: string,
  items: readonly unknown[],
  type: TypeToken | undefined,
): CacheOp<number> {
  if (items.length === 0) return llenOp(key);
  const values = items.map((item) => encodeFor(context, key, item, type));
  return singleOp({ name, args: [key, ...values], key, buffer: false }, Number);
}

/** LRANGE: the items from `start` to `stop` (inclusive, negative from the end), decoded. */
export function lrangeOp<K extends TypeToken | undefined>(
  key: string,
  start: number,
  stop: number,
  type: K,
): CacheOp<ValueOf<K>[]> {
  for (const [name, index] of [
    ['start', start],
    ['stop', stop],
  ] as const) {
    if (!Number.isSafeInteger(index)) {
      throw new CacheArgumentError(`lrange: ${name} must be an integer, got ${String(index)}`, { key });
    }
  }
  return singleOp({ name: 'lrange', args: [key, start, stop], key, buffer: true }, (reply) =>
    decodeList(reply, type, key),
  );
}

/** LPOP/RPOP with a count: always a list (empty when the list is empty or missing). */
export function popOp<K extends TypeToken | undefined>(
  name: 'lpop' | 'rpop',
  key: string,
  count: number,
  type: K,
): CacheOp<ValueOf<K>[]> {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new CacheArgumentError(`${name}: count must be a positive integer, got ${String(count)}`, {
      key,
    });
  }
  return singleOp({ name, args: [key, count], key, buffer: true }, (reply) => decodeList(reply, type, key));
}

/** LLEN: the list's length (0 when missing). */
export function llenOp(key: string): CacheOp<number> {
  return singleOp({ name: 'llen', args: [key], key, buffer: false }, Number);
}
