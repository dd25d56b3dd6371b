// traceCache: the spans of RedisCache's methods, made only with its `tracing: true` setting.
import type { Span } from '@opentelemetry/api';
import { firstKey, keyCount, type TracedCall, traceMethods } from '../tracing/traced-methods.js';

/** A read of one value: `keel.cache.hit` (not set when the read was queued on a `conn`). */
const read: TracedCall = {
  attributes: firstKey,
  result: (value: unknown, span: Span) => {
    if (value !== undefined) span.setAttribute('keel.cache.hit', value !== null);
  },
};
const oneKey: TracedCall = { attributes: firstKey };
const manyKeys: TracedCall = { attributes: keyCount };

/**
 * Wraps `cache`'s methods in spans `cache.<method>` (kind INTERNAL, `db.system.name` `redis`,
 * `db.operation.name` the method, `keel.key` or `keel.key_count`; `keel.cache.hit` on `get` and
 * `hget`, `keel.cache.hits` on `mget`). See docs/cache.md.
 */
export function traceCache(cache: object): void {
  // `object`, not RedisCache: importing its type back would be an import cycle.
  traceMethods(cache as Record<string, unknown>, 'cache', {
    get: read,
    hget: read,
    getOrSet: oneKey,
    set: oneKey,
    delete: manyKeys,
    exists: manyKeys,
    mget: {
      attributes: keyCount,
      result: (values: unknown, span: Span) => {
        if (Array.isArray(values))
          span.setAttribute('keel.cache.hits', values.filter((v) => v !== null).length);
      },
    },
    mset: manyKeys,
    expire: oneKey,
    ttl: oneKey,
    hset: oneKey,
    hgetall: oneKey,
    hdel: oneKey,
    lpush: oneKey,
    rpush: oneKey,
    lrange: oneKey,
    lpop: oneKey,
    rpop: oneKey,
    llen: oneKey,
  });
}
