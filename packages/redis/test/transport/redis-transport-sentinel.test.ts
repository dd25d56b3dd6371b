import { isKeelError, type KeelError } from '@keel/core';
import type { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import {
  captureLogger,
  describeBoth,
  replicationOf,
  startTestApp,
  waitUntil,
  withNode,
} from '../../../test-utils/src/index.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { findFreePort } from '../../src/embedded/free-port.js';
import { KeyspaceWatcher } from '../../src/keyspace/keyspace-watcher.js';
import { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { serverAddressOf } from '../../src/transport/server-address.js';

const PASSWORD = 'data-Pw-31';
const SENTINEL_PASSWORD = 'sentinel-Pw-47';

async function failure(promise: Promise<unknown>): Promise<KeelError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (isKeelError(error)) return error;
  throw new Error(`expected a KeelError, got ${String(error)}`);
}

describeBoth(
  'RedisTransportService through Redis Sentinel',
  (target) => {
    afterEach(async () => {
      await target.sentinel.restore();
    });

    const address = (node: { host: string; port: number }): string => `${node.host}:${node.port}`;

    it('connects to the primary the sentinels name, with the passwords of both', async () => {
      const transport = await target.transport();
      const primary = await target.sentinel.primary();
      expect(transport.isSentinel).toBe(true);
      expect(transport.isCluster).toBe(false);
      expect(transport.role).toBe('master');
      expect(transport.serverAddress).toBe(address(primary));
      expect(transport.masters()).toEqual([transport.client]);
      await transport.client.set('sentinel:t', '1');
      expect(await target.client().get('sentinel:t')).toBe('1');
      const duplicate = (await transport.duplicate()) as Redis;
      expect(serverAddressOf(duplicate)).toBe(address(primary));
      expect(await transport.health()).toMatchObject({ healthy: true });
    });

    it('connects with a redis+sentinel:// url', async () => {
      const transport = await target.transport({
        url: target.url({ password: PASSWORD }),
        sentinels: ['unused.invalid:1'],
        sentinelName: 'unused',
        password: undefined,
      } as object);
      expect(transport.serverAddress).toBe(address(await target.sentinel.primary()));
      expect(await transport.client.ping()).toBe('PONG');
    });

    it('with role: replica reads from a replica, and writing services refuse it', async () => {
      const transport = await target.transport({ role: 'replica' });
      const replicas = (await target.sentinel.replicas()).map(address);
      expect(transport.role).toBe('replica');
      expect(replicas).toContain(transport.serverAddress);
      await target.client().set('sentinel:replicated', 'r');
      await target.client().call('WAIT', 2, 5000);
      expect(await transport.client.get('sentinel:replicated')).toBe('r');
      await expect(transport.client.set('sentinel:w', 'x')).rejects.toThrow(/READONLY/);

      for (const cls of ['RedisCache', 'RedisLocksService'] as const) {
        const error = await failure(
          startTestApp({
            name: 'readonly',
            classes: [RedisTransportService, RedisCache, RedisLocksService],
            services: [
              { cls: 'RedisTransportService', settings: target.transportSettings({ role: 'replica' }) },
              { cls },
            ],
          }),
        );
        expect(error.code).toBe('APP_START_FAILED');
        expect(error.cause).toMatchObject({ code: 'REDIS_TRANSPORT_READ_ONLY' });
        expect(error.message).toMatch(/connects to a replica \(role: replica\)/);
      }
    });

    it('with role: replica, a keyspace watcher sees the replicated writes', async () => {
      const transport = await target.transport({ role: 'replica' });
      const seen: string[] = [];
      const watcher = new KeyspaceWatcher(transport, {
        patterns: ['replica-watch:*'],
        events: '$',
        logger: captureLogger().logger,
        callbacks: [(key, value) => seen.push(`${key}=${value?.toString() ?? ''}`)],
      });
      await watcher.start();
      try {
        expect(watcher.source.nodes()).toEqual([transport.serverAddress]);
        await target.client().set('replica-watch:a', '1');
        await waitUntil(() => seen.length === 1, { what: 'the event on the replica' });
        expect(seen).toEqual(['replica-watch:a=1']);
      } finally {
        await watcher.stop();
      }
    });

    it('fails with REDIS_CONNECT_FAILED for a master name the sentinels do not know', async () => {
      const error = await failure(target.transport({ sentinelName: 'nobody', connectTimeout: 1500 }));
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      expect(error.message).toContain('"nobody"');
      expect(error.message).toMatch(/know no master named "nobody"/);
      expect(error.details).toMatchObject({ sentinelName: 'nobody', sentinels: expect.any(Array) });
    });

    it('fails fast for a wrong sentinel password, and never shows it', async () => {
      const started = Date.now();
      const error = await failure(
        target.transport({ sentinelPassword: 'wr0ng-sentinel', connectTimeout: 20_000 }),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      expect(error.message).toMatch(/WRONGPASS|invalid username-password/);
      expect(error.details).toMatchObject({ timedOut: false });
      const text = `${error.message}\n${JSON.stringify(error.details)}\n${String(error.cause)}`;
      expect(text).not.toContain('wr0ng-sentinel');
      expect(text).not.toContain(SENTINEL_PASSWORD);
      expect(text).not.toContain(PASSWORD);
    });

    it('fails with REDIS_CONNECT_FAILED naming the sentinels when none answers', async () => {
      const port = await findFreePort();
      const error = await failure(
        target.transport({ sentinels: [`127.0.0.1:${port}`], connectTimeout: 800 }),
      );
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toMatch(/through Redis Sentinel/);
    });

    it('carries on after the primary is killed (kill -9): commands sent meanwhile complete on the new one', async () => {
      const transport = await target.transport();
      await transport.client.set('sentinel:durable', 'd');
      await transport.client.call('WAIT', 2, 5000);
      const { killed, primary } = await target.sentinel.killPrimary();
      // sent while the transport may still be reconnecting: queued, then run on the new primary
      await transport.client.set('sentinel:queued', 'q');
      expect(await transport.client.get('sentinel:durable')).toBe('d');
      expect(await transport.client.get('sentinel:queued')).toBe('q');
      expect(transport.serverAddress).toBe(address(primary));
      expect(transport.serverAddress).not.toBe(address(killed));
    });

    it('moves each connection once per failover: the sentinels announcing it late do not drop it again', async () => {
      const transport = await target.transport();
      const duplicate = (await transport.duplicate()) as Redis;
      const copy = duplicate.duplicate(); // ioredis's own duplicate, as services make them
      copy.on('error', () => undefined); // refused connects to the killed primary while it reconnects
      try {
        await copy.ping();
        const clients = [transport.client as Redis, duplicate, copy];
        const readies = clients.map(() => 0);
        clients.forEach((client, i) => {
          client.on('ready', () => {
            readies[i] = (readies[i] ?? 0) + 1;
          });
        });
        // returns once every sentinel names the new primary: each has published its +switch-master
        const { primary } = await target.sentinel.killPrimary();
        await Promise.all(clients.map((client) => client.ping()));
        await new Promise((resolve) => setTimeout(resolve, 500)); // the last announcements arrive
        expect(clients.map((client) => serverAddressOf(client))).toEqual(clients.map(() => address(primary)));
        expect(readies).toEqual([1, 1, 1]);
      } finally {
        copy.disconnect();
      }
    });

    it('watches for switches on every sentinel, also those it was not given, with one connection each', async () => {
      const switchWatchers = (sentinel: { host: string; port: number }): Promise<number> =>
        withNode(sentinel, SENTINEL_PASSWORD, async (client) => {
          const list = String(await client.call('CLIENT', 'LIST'));
          return list.split('\n').filter((line) => line.includes('name=orders-api:sentinel-switches '))
            .length;
        });
      const [first] = target.sentinel.sentinelAddresses;
      if (first === undefined) throw new Error('no sentinel');
      const transport = await target.transport({
        sentinels: [{ host: first.host, port: first.port }],
        name: 'orders-api',
      });
      await Promise.all([transport.duplicate(), transport.duplicate()]);
      const everywhere = async (): Promise<number[]> =>
        Promise.all(target.sentinel.sentinelAddresses.map(switchWatchers));
      await waitUntil(async () => (await everywhere()).every((count) => count === 1), {
        what: 'a switch subscription on each of the three sentinels',
      });
      await transport.close();
      await waitUntil(async () => (await everywhere()).every((count) => count === 0), {
        what: 'the subscriptions closed with the transport',
      });
    });

    it('follows a SENTINEL FAILOVER: reports the switch, keeps the data, writes to the new primary', async () => {
      const transport = await target.transport();
      const switches: { from: string; to: string }[] = [];
      transport.events.on('switched', (change) => switches.push(change));
      const duplicate = (await transport.duplicate()) as Redis;
      await transport.client.set('sentinel:kept', 'yes');
      // on both replicas before the switch: a write not replicated yet is lost with any failover
      await transport.client.call('WAIT', 2, 5000);
      const before = await target.sentinel.primary();
      const promoted = await target.sentinel.failover();
      expect(await transport.client.get('sentinel:kept')).toBe('yes');
      await transport.client.set('sentinel:after', 'new');
      expect((await replicationOf(promoted, PASSWORD)).get('role')).toBe('master');
      await waitUntil(() => switches.length === 1, { what: 'the switched event' });
      expect(switches).toEqual([{ from: address(before), to: address(promoted) }]);
      expect(transport.serverAddress).toBe(address(promoted));
      await duplicate.ping(); // waits for the duplicate's reconnect, if it is not done yet
      expect(serverAddressOf(duplicate)).toBe(address(promoted));
    });
  },
  { modes: ['sentinel'], password: PASSWORD, sentinelPassword: SENTINEL_PASSWORD },
);
