import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  describeBoth,
  replicationOf,
  startRedis,
  waitUntil,
  withNode,
} from '../../../test-utils/src/index.js';
import type { RedisServerHandle } from '../../src/embedded/start-redis-server.js';
import { redisTransportSettings } from '../../src/transport/redis-transport-settings.js';
import { startLocksApp, type LocksApp } from './locks-app.js';
import { killWorkersAfterEach, runMutexWorkers } from './mutex-workers.js';

const PROCESSES = 2;
const WORKERS_PER_PROCESS = 4;
const ITERATIONS = 100;

killWorkersAfterEach();

/**
 * What a failover of the primary (kill -9) means for locks. The lock lives in the Sentinel
 * topology; the resource it protects (a counter, an "inside" marker, the log of tokens) lives in
 * a separate standalone Redis that does not fail over, as a real protected resource would.
 */
describeBoth(
  'RedisLocksService through a Sentinel failover (kill -9 of the primary)',
  (target) => {
    let resource: RedisServerHandle;
    const apps: LocksApp[] = [];
    beforeAll(async () => {
      resource = await startRedis();
    });
    afterAll(async () => {
      await resource.stop();
    });
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.stop()));
      await target.sentinel.restore(); // the next test gets a primary and two replicas again
    });

    it('with replicas: 1, two processes never hold the lock at once, and tokens strictly increase', async () => {
      const id = randomUUID();
      const keys = {
        lock: `failover.mutex.${id}.lock`,
        counter: `failover.mutex.${id}.counter`,
        marker: `failover.mutex.${id}.inside`,
        log: `failover.mutex.${id}.tokens`,
      };
      const total = PROCESSES * WORKERS_PER_PROCESS * ITERATIONS;
      const config = {
        transport: target.transportSettings(),
        resource: { ...redisTransportSettings.defaults, host: resource.host, port: resource.port },
        keys,
        workers: WORKERS_PER_PROCESS,
        iterations: ITERATIONS,
        ttl: 10_000,
        maxDelayMs: 3,
        timeout: 60_000,
        lockOptions: { replicas: 1 },
        retryFailures: true,
      };
      const check = new Redis({ host: resource.host, port: resource.port, protocol: 2 });
      let killedAfter = 0;
      let switched = '';
      try {
        const { results, errors, codes } = await runMutexWorkers(config, PROCESSES, async () => {
          await waitUntil(async () => Number(await check.get(keys.counter)) >= total / 4, {
            timeout: 60_000,
            interval: 10,
            what: 'a quarter of the critical sections',
          });
          killedAfter = Number(await check.get(keys.counter));
          const { killed, primary } = await target.sentinel.killPrimary();
          switched = `${killed.port} -> ${primary.port}`;
        });
        expect(errors).toEqual([]);
        expect(codes).toEqual(Array.from({ length: PROCESSES }, () => 0));
        expect(killedAfter).toBeLessThan(total); // the primary died while the workers ran
        expect(results.reduce((sum, result) => sum + result.sections, 0)).toBe(total);
        // never two holders: nobody found the "inside" marker set on entering
        expect(results.reduce((sum, result) => sum + result.violations, 0)).toBe(0);
        expect(Number(await check.get(keys.counter))).toBe(total);
        // tokens strictly increase in the order the sections ran, across the switch
        const tokens = (await check.lrange(keys.log, 0, -1)).map(Number);
        expect(tokens).toHaveLength(total);
        expect(tokens.filter((token, index) => index > 0 && token <= tokens[index - 1]!)).toEqual([]);
        const failures: Record<string, number> = {};
        for (const result of results) {
          for (const [code, count] of Object.entries(result.failures))
            failures[code] = (failures[code] ?? 0) + count;
        }
        console.log(
          `[sentinel locks] ${total} sections, primary killed after ${killedAfter} (${switched}); ` +
            `retried after failures: ${JSON.stringify(failures)}`,
        );
      } finally {
        check.disconnect();
      }
    }, 120_000);

    it('without replicas, a lock the replicas never got dies with the primary and its token is handed out again', async () => {
      const [a, b] = await Promise.all([startLocksApp(target), startLocksApp(target)]);
      apps.push(a, b);
      const key = `unreplicated:{${randomUUID()}}`;
      const durableKey = `${key}:durable`;
      // token 1 reached both replicas
      await a.locks.release(await a.locks.acquire(key, { identifier: 'a-1', replicas: 2 }));
      const primary = await target.sentinel.primary();
      // cut the primary off from its replicas: they are dropped and refused a new PSYNC
      await withNode(primary, undefined, async (client) => {
        await client.call('ACL', 'SETUSER', 'default', '-psync', '-sync');
        await client.call('CLIENT', 'KILL', 'TYPE', 'replica');
      });
      await waitUntil(async () => (await replicationOf(primary, undefined)).get('connected_slaves') === '0', {
        what: 'the primary without replicas',
      });
      const held = await a.locks.acquire(key, { identifier: 'a-2', ttl: 60_000 }); // on the primary only
      expect(held.token).toBe(2);
      // with replicas: 1 the same situation hands out nothing
      await expect(a.locks.acquire(durableKey, { replicas: 1, replicasTimeout: 300 })).rejects.toMatchObject({
        code: 'LOCK_NOT_REPLICATED',
        acknowledged: 0,
      });
      expect(await a.locks.exists(durableKey)).toBe(false);

      await target.sentinel.killPrimary();

      // The promoted replica never saw a-2's lock: b gets the key while a believes it holds it,
      // with the same token. Only a resource that checks tokens (and has seen 2) refuses b.
      const taken = await b.locks.acquire(key, { identifier: 'b', wait: false });
      expect(taken.token).toBe(held.token);
      expect(await a.locks.owner(key)).toBe('b');
      await expect(a.locks.renew(held)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER' });
    }, 60_000);
  },
  { modes: ['sentinel'] },
);
