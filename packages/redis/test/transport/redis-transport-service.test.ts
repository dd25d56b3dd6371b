import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeBoth, testAppContext, waitUntil } from '../../../test-utils/src/index.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { redisTransportSettings } from '../../src/transport/redis-transport-settings.js';

/** Counts of this process's open sockets and timers. */
function openHandles(): { sockets: number; timers: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    sockets: resources.filter((type) => type === 'TCPSocketWrap' || type === 'TLSWrap').length,
    timers: resources.filter((type) => type === 'Timeout').length,
  };
}

describeBoth('RedisTransportService', (target) => {
  it('connects, pings and runs commands through client', async () => {
    const transport = await target.transport();
    expect(transport.isCluster).toBe(target.mode === 'cluster');
    expect(transport.client).toBeInstanceOf(target.mode === 'cluster' ? Cluster : Redis);
    expect(await transport.client.set('transport:a', '1')).toBe('OK');
    expect(await transport.client.get('transport:a')).toBe('1');
    expect(await target.client().get('transport:a')).toBe('1');
    const latency = await transport.ping();
    expect(latency).toBeGreaterThan(0);
    expect(await transport.health()).toMatchObject({ healthy: true, details: { status: 'ready' } });
  });

  it('runs a pipeline', async () => {
    const transport = await target.transport();
    const results = await transport
      .pipeline()
      .set('{transport:p}a', 'x')
      .incr('{transport:p}n')
      .get('{transport:p}a')
      .exec();
    expect(results).toEqual([
      [null, 'OK'],
      [null, 1],
      [null, 'x'],
    ]);
  });

  it('lists its masters', async () => {
    const transport = await target.transport();
    const masters = transport.masters();
    expect(masters).toHaveLength(target.mode === 'cluster' ? 3 : 1);
    for (const master of masters) expect(await master.ping()).toBe('PONG');
    if (target.mode === 'cluster') {
      const ports = masters.map((master) => master.options.port).sort();
      const expected = (await target.cluster.masters()).map((node) => node.port).sort();
      expect(ports).toEqual(expected);
    } else {
      expect(masters[0]).toBe(transport.client);
    }
  });

  it('connects with a url', async () => {
    const transport = await target.transport({
      url: target.url(),
      host: 'unused.invalid',
      port: 1,
      ...(target.mode === 'cluster' ? { nodes: [] } : {}),
      ...(target.mode === 'sentinel' ? { sentinels: ['unused.invalid:1'] } : {}),
    });
    await transport.client.set('transport:url', 'u');
    expect(await target.client().get('transport:url')).toBe('u');
  });

  it('accepts "host:port" seed strings', async () => {
    const seeds =
      target.mode === 'cluster'
        ? target.cluster.seeds
        : target.mode === 'sentinel'
          ? target.sentinel.sentinelAddresses
          : [target.server];
    const nodes = seeds.map(({ host, port }) => `${host}:${port}`);
    const transport = await target.transport(target.mode === 'sentinel' ? { sentinels: nodes } : { nodes });
    expect(await transport.client.ping()).toBe('PONG');
  });

  it('names its connections', async () => {
    const transport = await target.transport({ name: 'keel-test-conn' });
    const [master] = transport.masters();
    const list = await master!.client('LIST');
    expect(String(list)).toContain('name=keel-test-conn');
  });

  it('duplicate() makes connected clients that close() quits with the service', async () => {
    const transport = await target.transport();
    const first = await transport.duplicate();
    const second = await transport.duplicate();
    expect(first).not.toBe(transport.client);
    expect(first.status).toBe('ready');
    expect(await first.ping()).toBe('PONG');
    // a blocking read on a duplicate does not stall the shared client
    const blocked = second.blpop('{transport:d}list', 0);
    expect(await transport.client.ping()).toBe('PONG');
    await transport.client.rpush('{transport:d}list', 'v');
    expect(await blocked).toEqual(['{transport:d}list', 'v']);

    const main = transport.client;
    await transport.close();
    expect(first.status).toBe('end');
    expect(second.status).toBe('end');
    expect(main.status).toBe('end');
  });

  it('close() leaves every connection ended, no open handles, and client unusable', async () => {
    const before = openHandles();
    const transport = await target.transport();
    await transport.duplicate();
    const main = transport.client;
    const nodes = main instanceof Cluster ? main.nodes() : [];
    expect(openHandles().sockets).toBeGreaterThan(before.sockets);
    await transport.close();
    expect(main.status).toBe('end');
    for (const node of nodes) expect(node.status).toBe('end');
    // Sentinel: the sockets to the sentinels end with a FIN round trip after close() returns.
    const settled = (): boolean => {
      const now = openHandles();
      return now.sockets <= before.sockets && now.timers <= before.timers;
    };
    if (target.mode === 'sentinel')
      await waitUntil(settled, { timeout: 3000, interval: 20 }).catch(() => false);
    const after = openHandles();
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(after.timers).toBeLessThanOrEqual(before.timers);
    expect(() => transport.client).toThrow(expect.objectContaining({ code: 'REDIS_NOT_CONNECTED' }));
    expect(await transport.health()).toMatchObject({ healthy: false });
    await transport.close(); // idempotent
  });

  it('client throws REDIS_NOT_CONNECTED before init, and construction does no I/O', async () => {
    const app = testAppContext();
    const transport = new RedisTransportService({
      app,
      name: 'redis',
      settings: target.transportSettings(),
      logger: app.logger,
    });
    expect(() => transport.client).toThrow(expect.objectContaining({ code: 'REDIS_NOT_CONNECTED' }));
    await expect(transport.ping()).rejects.toMatchObject({ code: 'REDIS_NOT_CONNECTED' });
    await expect(transport.duplicate()).rejects.toMatchObject({ code: 'REDIS_NOT_CONNECTED' });
    await transport.close();
  });

  if (target.mode === 'standalone') {
    it('selects the configured db', async () => {
      const transport = await target.transport({ db: 3 });
      await transport.client.set('transport:db', 'three');
      const duplicate = await transport.duplicate();
      expect(await duplicate.get('transport:db')).toBe('three');
      expect(await target.client().get('transport:db')).toBeNull();
      const check = target.client() as Redis;
      await check.select(3);
      try {
        expect(await check.get('transport:db')).toBe('three');
      } finally {
        await check.select(0);
      }
    });

    it('takes the db from the url path', async () => {
      const transport = await target.transport({ url: `${target.server.url}/5` });
      await transport.client.set('transport:urldb', 'five');
      const check = await target.transport({ db: 5 });
      expect(await check.client.get('transport:urldb')).toBe('five');
    });

    it('reconnects after the server restarts', async () => {
      const transport = await target.transport();
      await transport.client.set('transport:before', '1');
      await target.server.kill();
      await target.server.restart();
      await waitUntil(async () => (await transport.client.ping()) as string, { what: 'a reconnect' });
      expect(await transport.client.get('transport:before')).toBeNull(); // no persistence
      await transport.client.set('transport:after', '2');
      expect(await transport.client.get('transport:after')).toBe('2');
    });
  }

  if (target.mode === 'cluster') {
    it('rejects a db other than 0 in cluster mode', async () => {
      await expect(target.transport({ db: 1 })).rejects.toMatchObject({ code: 'REDIS_SETTINGS_INVALID' });
    });

    it('stays usable when a master fails over', async () => {
      const transport = await target.transport();
      const keys = Array.from({ length: 20 }, (_, i) => `transport:failover:${i}`);
      for (const key of keys) await transport.client.set(key, 'before');
      const [master] = await target.cluster.masters();
      const promoted = await target.cluster.failover(master!.port);
      for (const key of keys) {
        expect(await transport.client.get(key)).toBe('before');
        await transport.client.set(key, 'after');
      }
      expect(await transport.client.get(keys[0]!)).toBe('after');
      await waitUntil(() => transport.masters().some((node) => node.options.port === promoted.port), {
        what: 'the transport to see the promoted master',
      });
    });
  }
});

describe('RedisTransportService settings', () => {
  it('declares the documented defaults', () => {
    expect(redisTransportSettings.defaults).toEqual({
      host: 'localhost',
      port: 6379,
      db: 0,
      cluster: false,
      connectTimeout: 5000,
      tracking: false,
      coalesceWrites: true,
      role: 'master',
    });
    expect([...redisTransportSettings.keys].sort()).toEqual(
      [
        'cluster',
        'coalesceWrites',
        'connectTimeout',
        'db',
        'host',
        'name',
        'nodes',
        'password',
        'port',
        'role',
        'sentinelName',
        'sentinelPassword',
        'sentinelUsername',
        'sentinels',
        'tls',
        'tracking',
        'url',
        'username',
      ].sort(),
    );
  });

  it('validates settings, rejecting unknown keys and wrong types', () => {
    expect(
      redisTransportSettings.validate({ host: 'h', port: 7000, nodes: ['a:1', { host: 'b', port: 2 }] })
        .success,
    ).toBe(true);
    expect(redisTransportSettings.validate({ tls: { ca: 'pem', rejectUnauthorized: false } }).success).toBe(
      true,
    );
    expect(redisTransportSettings.validate({ hots: 'h' }).success).toBe(false);
    expect(redisTransportSettings.validate({ port: 'x' }).success).toBe(false);
    expect(redisTransportSettings.validate({ port: 70000 }).success).toBe(false);
    expect(redisTransportSettings.validate({ tls: { bogus: 1 } }).success).toBe(false);
  });

  it('exposes the tracking flag', () => {
    const app = testAppContext();
    const transport = new RedisTransportService({
      app,
      name: 'redis',
      settings: { ...redisTransportSettings.defaults, tracking: true },
      logger: app.logger,
    });
    expect(transport.tracking).toBe(true);
  });
});
