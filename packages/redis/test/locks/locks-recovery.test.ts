import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { keySlot } from '../../src/cluster/key-slot.js';
import { startLocksApp, type LocksApp } from './locks-app.js';

/** The port of the master serving `key`'s slot, as the cluster says (`CLUSTER SLOTS`). */
async function masterPortOf(cluster: Cluster, key: string): Promise<number> {
  const slot = keySlot(key);
  const ranges = await cluster.cluster('SLOTS');
  const master = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2];
  if (master === undefined) throw new Error(`no master serves slot ${slot}`);
  return master[1];
}

describeBoth('RedisLocksService through Redis failures', (target) => {
  const apps: LocksApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });
  const start = async (): Promise<LocksApp> => {
    const app = await startLocksApp(target);
    apps.push(app);
    return app;
  };

  it.runIf(target.mode === 'standalone')(
    'a waiting acquire gets the lock once a restarted Redis has lost it',
    async () => {
      const [holder, waiter] = await Promise.all([start(), start()]);
      const key = `restart:${randomUUID()}`;
      await holder.locks.acquire(key, { ttl: 60_000 });
      const pending = waiter.locks.acquire(key, { timeout: 20_000 });
      pending.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      await sleep(200); // the waiter is subscribed and sleeping
      await target.server.kill(); // no persistence: the lock is gone with the process
      await target.server.restart();
      const lock = await pending;
      expect(lock.keys).toEqual([key]);
      expect(await waiter.locks.owner(key)).toBe(lock.identifier);
    },
  );

  it.runIf(target.mode === 'cluster')(
    "keeps the lock and growing tokens through a failover of the key's master",
    async () => {
      const [holder, waiter] = await Promise.all([start(), start()]);
      const key = `failover:{${randomUUID()}}`;
      const first = await holder.locks.acquire(key, { ttl: 60_000 });
      const pending = waiter.locks.acquire(key, { timeout: 30_000 });
      pending.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      await sleep(200);
      await target.cluster.failover(await masterPortOf(target.client() as Cluster, key));
      // The promoted replica has the lock: still held, by the same owner.
      expect(await waiter.locks.owner(key)).toBe(first.identifier);
      await holder.locks.release(first);
      const second = await pending;
      expect(second.token).toBeGreaterThan(first.token);
      expect(await waiter.locks.owner(key)).toBe(second.identifier);
    },
  );

  it.runIf(target.mode === 'sentinel')(
    'keeps the lock and growing tokens through a SENTINEL FAILOVER, and wakes the waiter on the new primary',
    async () => {
      const [holder, waiter] = await Promise.all([start(), start()]);
      const key = `switch:{${randomUUID()}}`;
      // SENTINEL FAILOVER does not wait for the replicas to catch up: replicas: 2 makes sure
      // the promoted one has the lock (see docs/locks.md)
      const first = await holder.locks.acquire(key, { ttl: 60_000, replicas: 2 });
      const pending = waiter.locks.acquire(key, { timeout: 30_000 });
      pending.catch(() => undefined); // awaited below; a failure before that must not go unhandled
      await sleep(200);
      await target.sentinel.failover();
      expect(await waiter.locks.owner(key)).toBe(first.identifier);
      await holder.locks.release(first);
      const second = await pending;
      expect(second.token).toBeGreaterThan(first.token);
      expect(await waiter.locks.owner(key)).toBe(second.identifier);
    },
  );
});
