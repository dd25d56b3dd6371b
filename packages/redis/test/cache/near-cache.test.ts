import { pack } from 'msgpackr';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { describeBoth, waitUntil, type RedisTarget } from '../../../test-utils/src/index.js';
import type { NearCache } from '../../src/cache/near-cache/near-cache.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { cacheStarter, startCacheApp, uniquePrefix } from './cache-app.js';

/** The near cache of `cache`, which the test turned on. */
function nearOf(cache: RedisCache): NearCache {
  const near = cache.nearCache;
  if (near === undefined) throw new Error('the near cache is off');
  return near;
}

/** The master connections of the test's own client (a new cluster client knows them once connected). */
async function masters(target: RedisTarget): Promise<Redis[]> {
  const client = target.client();
  await client.ping();
  return client instanceof Redis ? [client] : client.nodes('master');
}

/** GET + HGET calls the servers have run so far (`INFO commandstats`, summed over masters). */
async function readCalls(target: RedisTarget): Promise<number> {
  let total = 0;
  for (const node of await masters(target)) {
    const info = await node.info('commandstats');
    for (const name of ['get', 'hget']) {
      const match = new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info);
      total += Number(match?.[1] ?? 0);
    }
  }
  return total;
}

/** Kills the connections that have client tracking on (`t` in their `CLIENT LIST` flags). */
async function killTrackingReaders(target: RedisTarget): Promise<number> {
  let killed = 0;
  for (const node of await masters(target)) {
    const list = String(await node.client('LIST'));
    for (const line of list.split('\n')) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      const flags = /\bflags=(\S*)/.exec(line)?.[1] ?? '';
      if (id !== undefined && flags.includes('t')) {
        await node.client('KILL', 'ID', id);
        killed += 1;
      }
    }
  }
  return killed;
}

/** Resolves once the near cache received more invalidation messages than `before`. */
function invalidationAfter(near: NearCache, before: number, timeout = 5000): Promise<true> {
  return waitUntil(() => near.stats().invalidations > before, {
    timeout,
    interval: 1,
    what: 'an invalidation message',
  });
}

describeBoth('RedisCache near cache', (target) => {
  const startCache = cacheStarter(target);

  it('is off unless turned on (the transport does not track by default)', async () => {
    const cache = await startCache();
    expect(cache.nearCache).toBeUndefined();
  });

  it("is on when the transport's tracking is, and closes its connections with the app", async () => {
    // The transport tracks; the cache leaves `nearCache` unset.
    const app = await startCacheApp(target, { transport: { tracking: true } });
    let stopped = false;
    afterAll(async () => {
      if (!stopped) await app.stop();
    });
    const cache = app.services.get(RedisCache);
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-setting')}k`;
    await cache.set(key, 1);
    expect(await cache.get(key)).toBe(1);
    expect(near.hasValue(key)).toBe(true);
    const trackingClients = async (): Promise<number> => {
      let count = 0;
      for (const node of await masters(target)) {
        const list = String(await node.client('LIST'));
        count += list.split('\n').filter((line) => /\bflags=\S*t/.test(line)).length;
      }
      return count;
    };
    const before = await trackingClients();
    expect(before).toBeGreaterThan(0);
    await app.stop();
    stopped = true;
    expect(near.stats().entries).toBe(0);
    await waitUntil(async () => (await trackingClients()) < before, {
      timeout: 5000,
      what: 'the readers to close',
    });
  });

  it('serves repeated get and hget without a round trip', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const p = uniquePrefix('near-hit');
    await cache.set(`${p}k`, { n: 1 });
    await cache.hset(`${p}h`, { a: 'x' });
    expect(await cache.get(`${p}k`)).toEqual({ n: 1 });
    expect(await cache.hget(`${p}h`, 'a', String)).toBe('x');
    expect(await cache.get(`${p}missing`)).toBeNull();
    expect(near.hasValue(`${p}k`)).toBe(true);
    expect(near.hasField(`${p}h`, 'a')).toBe(true);

    const calls = await readCalls(target);
    const hits = near.stats().hits;
    for (let i = 0; i < 10; i++) {
      expect(await cache.get(`${p}k`)).toEqual({ n: 1 });
      expect(await cache.hget(`${p}h`, 'a', String)).toBe('x');
      expect(await cache.get(`${p}missing`)).toBeNull();
    }
    expect(await readCalls(target)).toBe(calls);
    expect(near.stats().hits - hits).toBe(30);
  });

  it('decodes a cached value per read, so a wrong type still fails', async () => {
    const cache = await startCache({ nearCache: true });
    const p = uniquePrefix('near-type');
    await cache.set(`${p}k`, 'text');
    expect(await cache.get(`${p}k`, String)).toBe('text');
    await expect(cache.get(`${p}k`, Number)).rejects.toMatchObject({ code: 'CACHE_DECODE_FAILED' });
  });

  it("drops a value within 100 ms of another client's write, then reads the new one", async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-other')}k`;
    await target.client().set(key, pack(1));
    expect(await cache.get(key, Number)).toBe(1);
    expect(await cache.get(key, Number)).toBe(1);
    expect(near.hasValue(key)).toBe(true);

    await target.client().set(key, pack(2));
    await waitUntil(() => !near.hasValue(key), { timeout: 100, interval: 1, what: 'the invalidation' });
    expect(await cache.get(key, Number)).toBe(2);

    await target.client().hset(`${key}:h`, 'f', pack('a'));
    expect(await cache.hget(`${key}:h`, 'f', String)).toBe('a');
    expect(near.hasField(`${key}:h`, 'f')).toBe(true);
    await target.client().hset(`${key}:h`, 'f', pack('b'));
    await waitUntil(() => !near.hasField(`${key}:h`, 'f'), {
      timeout: 100,
      interval: 1,
      what: 'the invalidation',
    });
    expect(await cache.hget(`${key}:h`, 'f', String)).toBe('b');
  });

  it('is never stale once the invalidation of a write arrived, even with reads racing it', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-race')}k`;
    const writer = target.client();
    await writer.set(key, pack(0));
    for (let i = 1; i <= 200; i++) {
      expect(await cache.get(key, Number)).toBe(i - 1); // tracked (and usually cached) now
      const before = near.stats().invalidations;
      const racing = [cache.get(key, Number), cache.get(key, Number), cache.get(key, Number)];
      await writer.set(key, pack(i));
      await invalidationAfter(near, before);
      await Promise.all(racing);
      expect(await cache.get(key, Number)).toBe(i);
      expect(await cache.get(key, Number)).toBe(i);
    }
  });

  it('does not keep a reply whose key was invalidated while the read was in flight', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-inflight')}k`;
    await cache.set(key, 'old');
    // What an invalidation message does, arriving after the GET was sent and before its reply:
    const read = near.getValue(key);
    near.invalidate([key]);
    expect(await read).not.toBeNull();
    expect(near.hasValue(key)).toBe(false);
    // the same for everything at once (FLUSHALL, a lost connection)
    const field = near.getField(key, 'f').catch(() => null);
    const again = near.getValue(key);
    near.flush();
    await Promise.all([again, field]);
    expect(near.hasValue(key)).toBe(false);
    // and with nothing in between, the reply is kept
    await near.getValue(key);
    expect(near.hasValue(key)).toBe(true);
  });

  it('drops its own writes at once', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const p = uniquePrefix('near-own');
    await cache.set(`${p}k`, 1);
    await cache.hset(`${p}h`, { f: 1 });
    await cache.get(`${p}k`);
    await cache.hget(`${p}h`, 'f');
    expect(near.hasValue(`${p}k`) && near.hasField(`${p}h`, 'f')).toBe(true);

    await cache.set(`${p}k`, 2);
    expect(near.hasValue(`${p}k`)).toBe(false);
    expect(await cache.get(`${p}k`)).toBe(2);
    await cache.hset(`${p}h`, { f: 2 });
    expect(near.hasField(`${p}h`, 'f')).toBe(false);
    expect(await cache.hget(`${p}h`, 'f')).toBe(2);
    await cache.mset({ [`${p}k`]: 3 });
    expect(await cache.get(`${p}k`)).toBe(3);
    await cache.delete(`${p}k`);
    expect(await cache.get(`${p}k`)).toBeNull();

    // getOrSet after a cached miss
    expect(await cache.get(`${p}lazy`)).toBeNull();
    expect(await cache.getOrSet(`${p}lazy`, () => 'loaded')).toBe('loaded');
    expect(await cache.get(`${p}lazy`)).toBe('loaded');
  });

  it('keeps at most nearCacheMaxKeys entries, least recently used out first', async () => {
    const cache = await startCache({ nearCache: true, nearCacheMaxKeys: 3 });
    const near = nearOf(cache);
    const p = uniquePrefix('near-bound');
    const keys = [0, 1, 2, 3, 4].map((i) => `${p}${i}`);
    await cache.mset(keys.map((key, i) => [key, i] as const));
    for (const key of keys.slice(0, 3)) await cache.get(key);
    await cache.get(keys[0]!); // most recent now
    await cache.get(keys[3]!);
    await cache.get(keys[4]!);
    expect(near.stats().entries).toBe(3);
    expect(keys.map((key) => near.hasValue(key))).toEqual([true, false, false, true, true]);
  });

  it('keeps at most nearCacheMaxBytes', async () => {
    const cache = await startCache({ nearCache: true, nearCacheMaxBytes: 2000 });
    const near = nearOf(cache);
    const p = uniquePrefix('near-bytes');
    for (let i = 0; i < 10; i++) {
      await cache.set(`${p}${i}`, 'x'.repeat(500));
      await cache.get(`${p}${i}`);
    }
    expect(near.stats().bytes).toBeLessThanOrEqual(2000);
    expect(near.stats().entries).toBeGreaterThan(0);
    expect(near.stats().entries).toBeLessThan(4);
    expect(near.hasValue(`${p}9`)).toBe(true);
  });

  it('flushes on FLUSHALL', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const p = uniquePrefix('near-flush');
    await cache.set(`${p}k`, 'v');
    expect(await cache.get(`${p}k`)).toBe('v');
    expect(near.hasValue(`${p}k`)).toBe(true);
    const flushes = near.stats().flushes;
    await target.flush();
    await waitUntil(() => near.stats().flushes > flushes, { timeout: 5000, interval: 1, what: 'the flush' });
    expect(near.hasValue(`${p}k`)).toBe(false);
    expect(await cache.get(`${p}k`)).toBeNull();
  });

  it('flushes when its subscriber is killed, serves nothing meanwhile, and recovers', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-kill')}k`;
    await cache.set(key, 'v1');
    expect(await cache.get(key)).toBe('v1');
    expect(near.hasValue(key)).toBe(true);
    const flushes = near.stats().flushes;

    for (const node of await masters(target)) await node.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitUntil(() => near.stats().flushes > flushes, { timeout: 5000, interval: 1, what: 'the flush' });
    expect(near.hasValue(key)).toBe(false);
    // a write while nothing tracks is read at once
    await target.client().set(key, pack('v2'));
    expect(await cache.get(key)).toBe('v2');

    // reads reopen the tracking connections, then are cached again
    await waitUntil(
      async () => {
        await cache.get(key);
        return near.isTracking(key);
      },
      { timeout: 10_000, interval: 50, what: 'tracking to resume' },
    );
    expect(await cache.get(key)).toBe('v2');
    expect(near.hasValue(key)).toBe(true);
    await target.client().set(key, pack('v3'));
    await waitUntil(() => !near.hasValue(key), { timeout: 5000, interval: 1, what: 'the invalidation' });
    expect(await cache.get(key)).toBe('v3');
    // the same when the tracked reading connection is killed
    expect(await cache.get(key)).toBe('v3');
    expect(near.hasValue(key)).toBe(true);
    const flushesBefore = near.stats().flushes;
    expect(await killTrackingReaders(target)).toBeGreaterThan(0);
    await waitUntil(() => near.stats().flushes > flushesBefore, {
      timeout: 5000,
      interval: 1,
      what: 'the flush',
    });
    expect(near.hasValue(key)).toBe(false);
    await target.client().set(key, pack('v4'));
    expect(await cache.get(key)).toBe('v4');
    await waitUntil(
      async () => {
        await cache.get(key);
        return near.isTracking(key);
      },
      { timeout: 10_000, interval: 50, what: 'tracking to resume' },
    );
    expect(await cache.get(key)).toBe('v4');
    expect(near.hasValue(key)).toBe(true);
  });

  it('reopens lost tracking connections on its own, without waiting for a read', async () => {
    const cache = await startCache({ nearCache: true });
    const near = nearOf(cache);
    const key = `${uniquePrefix('near-reopen')}k`;
    await cache.set(key, 'v1');
    expect(await cache.get(key)).toBe('v1');
    expect(near.isTracking(key)).toBe(true);
    const flushes = near.stats().flushes;

    const nodes = await masters(target);
    for (const node of nodes) await node.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    // every server's pair was open (warmed up at start) and each loss flushes once
    await waitUntil(() => near.stats().flushes >= flushes + nodes.length, {
      timeout: 5000,
      interval: 1,
      what: 'a flush per server',
    });
    // no read in between: the reopen is the near cache's own
    await waitUntil(() => near.isTracking(key), {
      timeout: 10_000,
      interval: 20,
      what: 'tracking to resume',
    });
    expect(await cache.get(key)).toBe('v1');
    expect(near.hasValue(key)).toBe(true);
  });
});
