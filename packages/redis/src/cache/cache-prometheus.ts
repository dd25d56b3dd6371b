// CachePrometheus: the Prometheus metrics of a RedisCache (hits, misses, decode errors, near cache).
import type { BoundCounter, MetricsSink } from '@keel/core';
import { CacheDecodeError } from './codec/cache-decode-error.js';
import type { NearCache, NearCacheStats } from './near-cache/near-cache.js';

/** The hit and miss series of one read operation. */
export interface ReadCounts {
  readonly hits: BoundCounter;
  readonly misses: BoundCounter;
}

type Op = 'get' | 'mget' | 'getOrSet';
type NearCount = 'hits' | 'misses' | 'invalidations' | 'flushes';

const NEAR_COUNTERS: readonly (readonly [string, string, NearCount])[] = [
  ['keel_cache_near_hits_total', 'Reads (get, hget) answered from process memory.', 'hits'],
  ['keel_cache_near_misses_total', 'Near-cache reads that went to Redis.', 'misses'],
  [
    'keel_cache_near_invalidations_total',
    'Invalidation messages received from Redis (client tracking).',
    'invalidations',
  ],
  [
    'keel_cache_near_flushes_total',
    'Times the near cache dropped everything (FLUSHALL, a lost connection).',
    'flushes',
  ],
];

/**
 * The cache's metrics: hits and misses of `get`, `mget` and `getOrSet` (label `op`; a hit is a
 * key found), values that failed to decode, and — with the near cache on — its hits, misses,
 * invalidations, flushes (read from its stats at scrape), entries and bytes.
 */
export class CachePrometheus {
  readonly get: ReadCounts;
  readonly mget: ReadCounts;
  readonly getOrSet: ReadCounts;
  /** Values that did not decode as their type (`CacheDecodeError`). */
  readonly decodeErrors: BoundCounter;
  /** Counts of near caches closed before (a near cache is made anew by each `init`). */
  readonly #retired: Record<NearCount, number> = { hits: 0, misses: 0, invalidations: 0, flushes: 0 };
  readonly #near: () => NearCache | undefined;

  constructor(sink: MetricsSink, near: () => NearCache | undefined) {
    this.#near = near;
    const hits = sink.counter({
      name: 'keel_cache_hits_total',
      help: 'Reads that found the key.',
      labelNames: ['op'],
    });
    const misses = sink.counter({
      name: 'keel_cache_misses_total',
      help: 'Reads that found no key (null).',
      labelNames: ['op'],
    });
    const counts = (op: Op): ReadCounts => ({ hits: hits.bind({ op }), misses: misses.bind({ op }) });
    this.get = counts('get');
    this.mget = counts('mget');
    this.getOrSet = counts('getOrSet');
    this.decodeErrors = sink
      .counter({ name: 'keel_cache_decode_errors_total', help: 'Values that did not decode as their type.' })
      .bind({});
    for (const [name, help, field] of NEAR_COUNTERS) {
      sink
        .counter({ name, help })
        .follow({}, () => this.#retired[field] + (this.#near()?.stats()[field] ?? 0));
    }
    const gauge = (name: string, help: string, field: keyof NearCacheStats): void => {
      sink.gauge({
        name,
        help,
        collect: (metric) => {
          metric.set({}, this.#near()?.stats()[field] ?? 0);
        },
      });
    };
    gauge('keel_cache_near_entries', 'Values and hash fields kept in the near cache.', 'entries');
    gauge('keel_cache_near_bytes', 'Bytes the near-cache entries count for.', 'bytes');
  }

  /** Keeps the counts of a near cache being closed. */
  retire(near: NearCache | undefined): void {
    if (near === undefined) return;
    const stats = near.stats();
    for (const [, , field] of NEAR_COUNTERS) this.#retired[field] += stats[field];
  }
}

/** Counts `value`'s hit (not null) or miss on `counts`, and returns it. */
export function countRead<T>(counts: ReadCounts, value: T): T {
  if (value === null) counts.misses.inc();
  else counts.hits.inc();
  return value;
}

/** Runs `decode`, counting a `CacheDecodeError` it throws (which it rethrows). */
export function countingDecodeErrors<T>(counter: BoundCounter, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof CacheDecodeError) counter.inc();
    throw error;
  }
}
