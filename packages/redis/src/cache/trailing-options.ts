import { BUILTIN_TYPES } from './codec/builtin-types.js';
import { isDataType } from './codec/data-type.js';
import type { TypeToken } from './codec/type-token.js';
import { CacheArgumentError } from './cache-argument-error.js';
import { isRedisConn, type RedisConn } from './redis-command.js';

function isTypeToken(value: unknown): value is TypeToken {
  return BUILTIN_TYPES.has(value) || isDataType(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Splits the rest arguments of `delete(...keys, { conn }?)`-like methods: strings, optionally
 * followed by `{ conn }`.
 */
export function splitNames(method: string, args: readonly unknown[]): { names: string[]; conn?: RedisConn } {
  const last = args.at(-1);
  const names = typeof last === 'string' || last === undefined ? args : args.slice(0, -1);
  for (const name of names) {
    if (typeof name !== 'string') {
      throw new CacheArgumentError(`${method}: expected string arguments, optionally followed by { conn }`);
    }
  }
  if (names === args) return { names: names as string[] };
  const conn = isPlainObject(last) ? last['conn'] : undefined;
  if (!isRedisConn(conn)) {
    throw new CacheArgumentError(`${method}: the last argument must be a string or { conn: pipeline }`);
  }
  return { names: names as string[], conn };
}

/**
 * Splits the rest arguments of `lpush(key, ...items, { type, conn }?)`. The last argument is
 * taken as options when it is a plain object with only `type` (a type token) and/or `conn` (a
 * pipeline) — which no storable value is, since neither can be encoded.
 */
export function splitItems(args: readonly unknown[]): {
  items: unknown[];
  type?: TypeToken;
  conn?: RedisConn;
} {
  const last = args.at(-1);
  if (!isPlainObject(last)) return { items: [...args] };
  const keys = Object.keys(last);
  const { type, conn } = last;
  const isOptions =
    keys.length > 0 &&
    keys.every((key) => key === 'type' || key === 'conn') &&
    (type === undefined || isTypeToken(type)) &&
    (conn === undefined || isRedisConn(conn)) &&
    (type !== undefined || conn !== undefined);
  if (!isOptions) return { items: [...args] };
  return {
    items: args.slice(0, -1),
    ...(type === undefined ? {} : { type: type }),
    ...(conn === undefined ? {} : { conn: conn }),
  };
}
