import type { App } from '@keel/core';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, startTestApp, waitUntil, withNode } from '../../../test-utils/src/index.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { scrape } from './scrape.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

describeBoth('transport metrics', (target) => {
  const svc = { service: 'redis' };

  async function start(): Promise<{ app: App; transport: RedisTransportService }> {
    const app = await startTestApp({
      name: 'tm',
      classes: [RedisTransportService],
      services: [{ cls: 'RedisTransportService', name: 'redis', settings: target.transportSettings() }],
    });
    apps.push(app);
    return { app, transport: app.services.get(RedisTransportService) };
  }

  it('shows the nodes connected to and the connections, and counts failed commands', async () => {
    const { app, transport } = await start();
    const client = transport.client;
    const key = `tm:${Math.random().toString(36).slice(2)}`;
    await client.set(key, 'text');
    await expect(client.hget(key, 'f')).rejects.toThrow(/WRONGTYPE/);
    const replies = await client.pipeline().get(key).hget(key, 'f').exec();
    expect(replies?.[1]?.[0]).toBeInstanceOf(Error);
    // NOSCRIPT is handled by ioredis (it sends the script again): not a failure.
    client.defineCommand('keelMetricsEcho', { numberOfKeys: 1, lua: 'return ARGV[1]' });
    const echo = (value: string): Promise<unknown> =>
      (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
        'keelMetricsEcho'
      ]!.call(client, key, value);
    expect(await echo('one')).toBe('one');
    for (const node of transport.masters()) await node.script('FLUSH');
    expect(await echo('two')).toBe('two');

    const s = await scrape(app);
    expect(s.value('keel_redis_command_errors_total', svc)).toBe(2);
    expect(s.value('keel_redis_reconnects_total', svc)).toBe(0);
    expect(s.value('keel_redis_connections', svc)).toBe(1);
    const nodes = s.series('keel_redis_node_up', svc);
    expect(nodes.length).toBeGreaterThanOrEqual(1);
    expect(nodes.every((node) => node.value === 1)).toBe(true);
    if (target.mode === 'standalone') {
      expect(nodes.map((node) => node.labels['node'])).toEqual([
        `${target.server.host}:${target.server.port}`,
      ]);
    }
    if (target.mode === 'sentinel') {
      const [primary] = await target.masters();
      expect(nodes.map((node) => node.labels['node'])).toEqual([`${primary!.host}:${primary!.port}`]);
    }
    const duplicate = await transport.duplicate();
    expect((await scrape(app)).value('keel_redis_connections', svc)).toBe(2);
    await duplicate.quit();
    await waitUntil(async () => (await scrape(app)).value('keel_redis_connections', svc) === 1);
  });

  it('counts a reconnect after the connection was killed', async () => {
    const { app, transport } = await start();
    const [node] = transport.masters();
    await node!.ping();
    const id = await node!.client('ID');
    // a Sentinel client's options name no server: ask where its socket goes
    const [host = '', port = ''] = (
      transport.serverAddress ?? `${node!.options.host}:${node!.options.port}`
    ).split(':');
    const address = { host, port: Number(port) };
    await withNode(address, target.password, (admin) => admin.call('CLIENT', 'KILL', 'ID', String(id)));
    await waitUntil(
      async () => {
        // a cluster makes a lost node's connection anew on its next use
        if (!(transport.client instanceof Redis)) {
          await Promise.all(Array.from({ length: 30 }, (_, i) => transport.client.get(`tm:probe:${i}`)));
        }
        return (await scrape(app)).value('keel_redis_reconnects_total', svc) === 1;
      },
      { what: 'the reconnect' },
    );
    const s = await scrape(app);
    expect(s.series('keel_redis_node_up', svc).every((series) => series.value === 1)).toBe(true);
  });
});
