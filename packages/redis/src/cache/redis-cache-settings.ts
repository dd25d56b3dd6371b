import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link RedisCache}. */
export interface RedisCacheSettings {
  /** Name of the `RedisTransportService` to use; unset: the app's only one. */
  transport?: string;
  /**
   * Time to live in seconds of values written by `set`, `mset` and `getOrSet` without a `ttl`
   * option; unset: such values never expire.
   */
  defaultTtl?: number & tags.ExclusiveMinimum<0>;
  /**
   * Largest encoded value, in bytes, that a write accepts; a larger one is refused with
   * `CacheValueTooLargeError` before anything is written. The default is 16 MiB.
   * @default 16777216
   */
  maxValueBytes: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Keeps `get`/`hget` results in process, invalidated by Redis client tracking (see the "Near
   * cache" section of docs/cache.md). Unset: on when the transport's `tracking` setting is.
   */
  nearCache?: boolean;
  /**
   * Most entries (a value, or one hash field) the near cache keeps; the least recently used go
   * first.
   * @default 10000
   */
  nearCacheMaxKeys: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Most bytes the near cache keeps: each entry counts its stored bytes, twice the length of its
   * key (and field) and 64 bytes of bookkeeping. The default is 64 MiB.
   * @default 67108864
   */
  nearCacheMaxBytes: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Makes an OpenTelemetry span per method call (`cache.get`, …; see docs/observability.md).
   * Off by default: the cache is a hot path, and with it off no tracer is even asked.
   * @default false
   */
  tracing: boolean;
}

/** Settings declaration of {@link RedisCache}. */
export const redisCacheSettings: SettingsSpec<RedisCacheSettings> = defineSettings<RedisCacheSettings>({
  validate: typia.createValidateEquals<Partial<RedisCacheSettings>>(),
  keys: typia.misc.literals<keyof RedisCacheSettings>(),
  defaults: {
    maxValueBytes: 16 * 1024 * 1024,
    nearCacheMaxKeys: 10_000,
    nearCacheMaxBytes: 64 * 1024 * 1024,
    tracing: false,
  },
});
