import { pack } from 'msgpackr';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import type { RedisCache } from '../../src/cache/redis-cache.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';

describeBoth('RedisCache through a Redis restart or a Sentinel failover', (target) => {
  const startCache = cacheStarter(target);
  if (target.mode === 'sentinel') {
    afterEach(async () => {
      await target.sentinel.restore();
    });
  }

  /**
   * A reader with a near cache and a writer without one, around `switchPrimary`: what the reader
   * cached before is never served after, and its tracking works on the new primary.
   */
  async function staysFresh(switchPrimary: () => Promise<unknown>): Promise<void> {
    const reader = await startCache({ nearCache: true });
    const writer = await startCache({ nearCache: false });
    const near = reader.nearCache!;
    const key = `${uniquePrefix('switch')}k`;
    await writer.set(key, { n: 1 });
    expect(await target.client().call('WAIT', 2, 5000)).toBe(2);
    expect(await reader.get(key)).toEqual({ n: 1 });
    expect(near.hasValue(key)).toBe(true);
    const flushes = near.stats().flushes;

    await switchPrimary();
    await writer.set(key, { n: 2 }); // on the new primary
    expect(await reader.get(key)).toEqual({ n: 2 }); // not the cached { n: 1 }
    expect(near.stats().flushes).toBeGreaterThan(flushes); // dropped everything on the switch
    // tracking is on again, on the new primary: reads are cached and invalidated by writes there
    await waitUntil(() => near.isTracking(key), { what: 'tracking on the new primary' });
    await readUntilCached(reader, key, { n: 2 });
    const invalidations = near.stats().invalidations;
    await writer.set(key, { n: 3 });
    await waitUntil(() => near.stats().invalidations > invalidations, { what: 'the invalidation' });
    expect(near.hasValue(key)).toBe(false);
    expect(await reader.get(key)).toEqual({ n: 3 });
  }

  /** Reads `key` until the near cache keeps it (a read made while tracking reopened is not kept). */
  async function readUntilCached(cache: RedisCache, key: string, value: unknown): Promise<void> {
    await waitUntil(
      async () => {
        expect(await cache.get(key)).toEqual(value);
        return cache.nearCache!.hasValue(key);
      },
      { what: 'the value in the near cache' },
    );
  }

  it.runIf(target.mode === 'sentinel')(
    'serves nothing stale from the near cache after the primary is killed (kill -9)',
    async () => {
      await staysFresh(() => target.sentinel.killPrimary());
    },
    90_000, // killPrimary alone may wait 60 s for the sentinels to promote a replica
  );

  it.runIf(target.mode === 'sentinel')(
    'serves nothing stale from the near cache after a SENTINEL FAILOVER',
    async () => {
      await staysFresh(() => target.sentinel.failover());
    },
  );

  it.runIf(target.mode === 'standalone')(
    'serves nothing the restarted server lost, near cache included, and works on after it',
    async () => {
      const cache = await startCache({ nearCache: true });
      const near = cache.nearCache;
      const key = `${uniquePrefix('restart')}k`;
      await cache.set(key, { n: 1 });
      expect(await cache.get(key)).toEqual({ n: 1 });
      expect(near?.hasValue(key)).toBe(true);

      await target.server.kill(); // no persistence: the value is gone with the process
      await target.server.restart();
      // The dropped connections flushed the near cache: the read goes to the restarted server.
      expect(near?.hasValue(key)).toBe(false);
      expect(await cache.get(key)).toBeNull();
      await target.client().set(key, pack({ n: 2 }));
      expect(await cache.get(key)).toEqual({ n: 2 });
      expect(await cache.set(key, { n: 3 })).toBe(true);
      expect(await cache.get(key)).toEqual({ n: 3 });
    },
  );
});
