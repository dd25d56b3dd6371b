import type { Decoded, TypeToken } from './codec/type-token.js';
import type { RedisConn } from './redis-command.js';

/** What a read returns for an optional type argument: the decoded type, or `unknown` without one. */
export type ValueOf<K extends TypeToken | undefined> = K extends TypeToken ? Decoded<K> : unknown;

/** `{ conn }`: queue the command on an ioredis pipeline or `MULTI` instead of running it. */
export interface ConnOption {
  /**
   * A pipeline or `MULTI` (e.g. `cache.transport.pipeline()`): the command is queued on it and
   * the method resolves with `undefined`; its raw Redis reply comes with `conn.exec()`.
   */
  readonly conn: RedisConn;
}

/** The `type` option of a write: values are checked against it and encoded in its form. */
export interface TypeOption<K extends TypeToken | undefined> {
  /** Runtime type of the value(s) (see the codec): checked before writing, structs positional. */
  readonly type?: K;
}

/** Options of `set`. */
export interface SetOptions<
  K extends TypeToken | undefined = undefined,
  G extends boolean = boolean,
> extends TypeOption<K> {
  /** Time to live in seconds (fractions allowed, kept to the ms); 0: none. Default: `defaultTtl`. */
  readonly ttl?: number;
  /** Only write when the key does not exist. */
  readonly nx?: boolean;
  /** Only write when the key exists. */
  readonly xx?: boolean;
  /** Resolve with the previous value (decoded with `type`) instead of a boolean. */
  readonly get?: G;
}

/** What `set` resolves with: whether it wrote, or with `get: true` the previous value. */
export type SetResult<K extends TypeToken | undefined, G extends boolean> = G extends true
  ? ValueOf<K> | null
  : boolean;

/** Options of `mset`. */
export interface MsetOptions<K extends TypeToken | undefined = undefined> extends TypeOption<K> {
  /** Time to live in seconds of every key; 0: none. Default: `defaultTtl`. */
  readonly ttl?: number;
}

/** The values `mset` writes: a record, a `Map`, or `[key, value]` pairs. */
export type MsetEntries<V> =
  Readonly<Record<string, V>> | ReadonlyMap<string, V> | Iterable<readonly [string, V]>;

/** The fields `hset` writes: a record or a `Map` of field → value. */
export type HashFields<V> = Readonly<Record<string, V>> | ReadonlyMap<string, V>;

/** Options of `getOrSet`. */
export interface GetOrSetOptions<K extends TypeToken | undefined = undefined> extends TypeOption<K> {
  /** Time to live in seconds of the loaded value; 0: none. Default: `defaultTtl`. */
  readonly ttl?: number;
  /**
   * How long this call waits for the value, in ms, whether its own loader or another
   * process's is running; then it rejects with `CacheLoadTimeoutError`. Default 10 000.
   */
  readonly timeout?: number;
  /**
   * Lease time in ms: how long the loading process holds the key's lease without renewing it.
   * It renews every third of it while its loader runs; if the process dies, another caller
   * takes over once the lease ran out. Default 5000.
   */
  readonly lease?: number;
}

/** The outcome of one command of a typed pipeline. */
export type CacheResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

/** The outcomes of a typed pipeline, one per queued command, in order. */
export type CacheResults<R extends readonly unknown[]> = { -readonly [I in keyof R]: CacheResult<R[I]> };
