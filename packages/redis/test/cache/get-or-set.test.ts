import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeBoth, waitUntil, withNode } from '../../../test-utils/src/index.js';
import { CacheEncodeError, CacheDecodeError } from '../../src/cache/codec/index.js';
import { CacheLoaderError } from '../../src/cache/cache-loader-error.js';
import { CacheLoadTimeoutError } from '../../src/cache/cache-load-timeout-error.js';
import { LEASE_SUFFIX, LOADER_ERROR_SUFFIX } from '../../src/cache/get-or-set.js';
import { sameSlotKey } from '../../src/cluster/same-slot-key.js';
import { LOAD_CHANNEL } from '../../src/cache/load-notifier.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';
import { alice, UserType, type User } from './codec/fixtures.js';

describeBoth('RedisCache.getOrSet', (target) => {
  const startCache = cacheStarter(target);

  /** Connections subscribed to the load channel, on every node. */
  async function subscribers(): Promise<number> {
    const nodes = await target.nodes();
    let total = 0;
    for (const node of nodes) {
      const reply = await withNode(node, target.password, (client) => client.pubsub('NUMSUB', LOAD_CHANNEL));
      total += Number(reply[1]);
    }
    return total;
  }

  it('returns a cached value without running the loader', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('hit')}k`;
    await cache.set(key, alice, { type: UserType });
    let runs = 0;
    const user: User = await cache.getOrSet(key, () => (runs++, alice), { type: UserType });
    expect(user).toEqual(alice);
    expect(runs).toBe(0);
  });

  it('runs the loader once for 20 concurrent callers, and every caller gets its value', async () => {
    const cache = await startCache();
    const other = await startCache();
    const key = `${uniquePrefix('once')}k`;
    let runs = 0;
    const loader = async (): Promise<User> => {
      runs++;
      await sleep(150);
      return alice;
    };
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? cache : other).getOrSet(key, loader, { type: UserType, ttl: 60 }),
      ),
    );
    expect(runs).toBe(1);
    for (const user of users) expect(user).toEqual(alice);
    expect(await cache.get(key, UserType)).toEqual(alice);
    expect(await cache.ttl(key)).toBeGreaterThan(55);
    // the lease is gone
    expect(await cache.exists(sameSlotKey(key, LEASE_SUFFIX))).toBe(0);
    // the waiters listened for the notification
    expect(await subscribers()).toBeGreaterThanOrEqual(1);
  });

  it('stores a null or undefined result too, and does not load it again', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('null')}k`;
    let runs = 0;
    expect(await cache.getOrSet(key, () => (runs++, null))).toBeNull();
    expect(await cache.getOrSet(key, () => (runs++, 'other'))).toBeNull();
    expect(runs).toBe(1);
  });

  it('gives a loader error to every waiting caller; a later call loads again', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('fail')}k`;
    let runs = 0;
    const failing = async (): Promise<string> => {
      runs++;
      await sleep(150);
      throw new Error('backend down');
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => cache.getOrSet(key, failing)));
    expect(runs).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as CacheLoaderError;
      expect(error).toBeInstanceOf(CacheLoaderError);
      expect(error.code).toBe('CACHE_LOADER_FAILED');
      expect(error.key).toBe(key);
      expect(error.loaderMessage).toBe('backend down');
    }
    // exactly one (the loading caller) carries the original error
    expect(
      outcomes.filter((o) => ((o as PromiseRejectedResult).reason as Error).cause instanceof Error),
    ).toHaveLength(1);
    expect(await cache.exists(key, sameSlotKey(key, LEASE_SUFFIX))).toBe(0);
    expect(await cache.getOrSet(key, () => 'recovered')).toBe('recovered');
    expect(runs).toBe(1);
  });

  it('refuses a loader result of the wrong type as a loader failure', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('badresult')}k`;
    const error = await cache
      .getOrSet(key, () => ({ ...alice, age: -1 }), { type: UserType })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheLoaderError);
    expect((error as CacheLoaderError).cause).toBeInstanceOf(CacheEncodeError);
    expect(await cache.exists(key)).toBe(0);
  });

  it('raises CacheDecodeError when the key holds another type', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('decode')}k`;
    await cache.set(key, 'text');
    await expect(cache.getOrSet(key, () => 1, { type: Number })).rejects.toBeInstanceOf(CacheDecodeError);
  });

  it('times out waiters and the loading caller; the value is still stored', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('timeout')}k`;
    const slow = async (): Promise<string> => {
      await sleep(1200);
      return 'late';
    };
    const outcomes = await Promise.allSettled([
      cache.getOrSet(key, slow, { timeout: 300 }),
      cache.getOrSet(key, slow, { timeout: 300 }),
      cache.getOrSet(key, slow, { timeout: 400 }),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as CacheLoadTimeoutError;
      expect(error).toBeInstanceOf(CacheLoadTimeoutError);
      expect(error.code).toBe('CACHE_LOAD_TIMEOUT');
      expect(error.key).toBe(key);
    }
    const stored = await waitUntil(async () => (await cache.get(key, String)) ?? undefined, {
      timeout: 5000,
      interval: 50,
    });
    expect(stored).toBe('late');
  });

  it('takes over when the lease holder vanished, once its lease runs out', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('crashed')}k`;
    // a holder that died while loading: its lease is there, nobody will fulfil it
    await target.client().set(sameSlotKey(key, LEASE_SUFFIX), 'dead-holder', 'PX', 600);
    let runs = 0;
    const values = await Promise.all(
      Array.from({ length: 5 }, () => cache.getOrSet(key, () => (runs++, 'fresh'), { timeout: 5000 })),
    );
    expect(values).toEqual(Array(5).fill('fresh'));
    expect(runs).toBe(1);
  });

  it('renews the lease while a long loader runs, so nobody takes over', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('renew')}k`;
    let runs = 0;
    const long = async (): Promise<string> => {
      runs++;
      await sleep(1500);
      return 'done';
    };
    // without renewals (every 200 ms) the 600 ms lease would run out and a waiter would load too
    const values = await Promise.all(
      Array.from({ length: 4 }, () => cache.getOrSet(key, long, { lease: 600, timeout: 5000 })),
    );
    expect(values).toEqual(Array(4).fill('done'));
    expect(runs).toBe(1);
  });

  it('keeps a loader error only for the callers that waited for that load', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('stale-error')}k`;
    // an error left by an earlier load (another token): a new caller loads instead
    await target.client().set(sameSlotKey(key, LOADER_ERROR_SUFFIX), 'othertoken:old failure', 'PX', 10_000);
    expect(await cache.getOrSet(key, () => 'fine')).toBe('fine');
  });

  it('rejects bad options', async () => {
    const cache = await startCache();
    const key = `${uniquePrefix('opts')}k`;
    await expect(cache.getOrSet(key, () => 1, { timeout: 0 })).rejects.toMatchObject({
      code: 'CACHE_INVALID_ARGUMENT',
    });
    await expect(cache.getOrSet(key, () => 1, { lease: -5 })).rejects.toMatchObject({
      code: 'CACHE_INVALID_ARGUMENT',
    });
    await expect(cache.getOrSet(key, () => 1, { ttl: Number.NaN })).rejects.toMatchObject({
      code: 'CACHE_INVALID_ARGUMENT',
    });
  });
});
