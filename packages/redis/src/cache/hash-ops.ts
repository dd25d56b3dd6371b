import type { TypeToken } from './codec/type-token.js';
import { CacheArgumentError } from './cache-argument-error.js';
import { constantOp, singleOp, type CacheOp, type OpContext } from './cache-op.js';
import type { HashFields, ValueOf } from './cache-types.js';
import type { RedisArg } from './redis-command.js';
import { decodeAs, decodeOrNull, encodeFor } from './value-coding.js';

/** HSET of every field: the number of fields that were new. */
export function hsetOp(
  context: OpContext,
  key: string,
  fields: HashFields<unknown>,
  type: TypeToken | undefined,
): CacheOp<number> {
  const entries: [string, unknown][] =
    fields instanceof Map ? [...(fields as ReadonlyMap<string, unknown>)] : Object.entries(fields);
  if (entries.length === 0) return constantOp(0);
  const args: RedisArg[] = [key];
  for (const [field, value] of entries) {
    if (typeof field !== 'string') throw new CacheArgumentError('hset: field names must be strings', { key });
    args.push(field, encodeFor(context, key, value, type));
  }
  return singleOp({ name: 'HSET', args, key, buffer: false }, Number);
}

/** HGET: the field's value decoded as `type`, or `null`. */
export function hgetOp<K extends TypeToken | undefined>(
  key: string,
  field: string,
  type: K,
): CacheOp<ValueOf<K> | null> {
  return singleOp({ name: 'hget', args: [key, field], key, buffer: true }, (reply) =>
    decodeOrNull(reply, type, key),
  );
}

/**
 * HGETALL: a plain object of field → decoded value (`{}` for a missing key). Every field is an
 * own property, a field named `__proto__` included: it never sets the object's prototype.
 */
export function hgetallOp<K extends TypeToken | undefined>(
  key: string,
  type: K,
): CacheOp<Record<string, ValueOf<K>>> {
  return singleOp({ name: 'HGETALL', args: [key], key, buffer: true }, (reply) => {
    const flat = reply as readonly Buffer[];
    const record: Record<string, ValueOf<K>> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = (flat[i] as Buffer).toString('utf8');
      const value = decodeAs(flat[i + 1] as Buffer, type, key);
      if (field === '__proto__') {
        Object.defineProperty(record, field, { value, enumerable: true, writable: true, configurable: true });
      } else {
        record[field] = value;
      }
    }
    return record;
  });
}

/** HDEL: the number of fields removed. */
export function hdelOp(key: string, fields: readonly string[]): CacheOp<number> {
  if (fields.length === 0) return constantOp(0);
  return singleOp({ name: 'hdel', args: [key, ...fields], key, buffer: false }, Number);
}
