import type { Decoded, TypeToken } from '../cache/codec/index.js';

/** The values of a map typed with `K` (`unknown` for an untyped map). */
export type MapValue<K extends TypeToken | undefined> = K extends TypeToken ? Decoded<K> : unknown;

/** Options of a {@link RedisMap}. */
export interface RedisMapOptions<K extends TypeToken | undefined = undefined> {
  /**
   * The values' runtime type, as for `RedisCache` (a built-in token such as `Date`, or a type
   * made by `struct()`, `arrayOf()`…): checked on write, checked and rebuilt on read. Untyped
   * maps store any msgpack value.
   */
  readonly type?: K;
  /** Publish a change notification for every set, update, delete and clear (default false). */
  readonly notifications?: boolean;
  /** Sent with every notification (default: a random id per instance). */
  readonly notificationId?: string;
  /** Refuse values longer than this once encoded (`CacheValueTooLargeError`). */
  readonly maxValueBytes?: number;
}

/** A change notification of a {@link RedisMap}. */
export type RedisMapChange<V> =
  | {
      /** `set` by `set()`, `update` by `update()`. */
      readonly event: 'set' | 'update';
      readonly key: string;
      readonly notificationId: string;
      readonly value: V;
    }
  | {
      readonly event: 'delete';
      readonly key: string;
      readonly notificationId: string;
      readonly value: undefined;
    }
  | {
      /** Every entry was removed; `key` is null. */
      readonly event: 'clear';
      readonly key: null;
      readonly notificationId: string;
      readonly value: undefined;
    };

/** Options of {@link RedisMap.subscribe}. */
export interface RedisMapSubscribeOptions {
  /** Glob (Redis syntax) the changed key must match; `clear` always passes. Default `*`. */
  readonly pattern?: string;
  /** Ends the iteration when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Notifications kept while the consumer is slower than the publishers; beyond it the oldest
   * are dropped and counted in `dropped`.
   * @default 10000
   */
  readonly bufferSize?: number;
}

/** Entries for {@link RedisMap.update}: an object, a `Map`, or `[key, value]` pairs. */
export type RedisMapEntries<V> =
  Readonly<Record<string, V>> | ReadonlyMap<string, V> | Iterable<readonly [string, V]>;
