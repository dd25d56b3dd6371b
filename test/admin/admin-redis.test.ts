import type { App } from '@keel/core';
import { RedisListener, RedisStreamRPCClient } from '@keel/redis';
import { describeBoth, waitUntil, type RedisTarget } from '@keel/test-utils';
import { afterEach, expect, it } from 'vitest';
import { adminGet, gateOf, startAdminRedisApp } from './admin-redis-fixtures.js';

const TOKEN = 'admin-dashboard-token-9c41e07b';
const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

async function start(
  target: RedisTarget,
  options: Parameters<typeof startAdminRedisApp>[1] = {},
): Promise<App> {
  const app = await startAdminRedisApp(target, options);
  apps.push(app);
  return app;
}

/** Kills every Redis process of the target and starts them again (same ports, same cluster). */
async function killRedis(target: RedisTarget): Promise<() => Promise<void>> {
  if (target.mode === 'standalone') {
    await target.server.kill();
    return () => target.server.restart();
  }
  const nodes = target.cluster.nodes;
  await Promise.all(nodes.map((node) => node.server.kill()));
  return async () => {
    await Promise.all(nodes.map((node) => node.server.restart()));
    await target.cluster.waitForHealthy();
  };
}

describeBoth(
  'AdminHttpService on Redis',
  (target) => {
    it('/health/ready turns 503 naming the transport when Redis is killed, and 200 after the restart', async () => {
      const app = await start(target, {
        admin: { readinessTimeoutMs: 1000 },
        transport: { connectTimeout: 1000 },
      });
      expect((await adminGet(app, '/health/ready')).status).toBe(200);
      const restart = await killRedis(target);
      try {
        const down = await waitUntil(
          async () => {
            const reply = await adminGet(app, '/health/ready');
            return reply.status === 503 ? reply : undefined;
          },
          { what: '/health/ready to answer 503' },
        );
        const body = down.body as {
          healthy: boolean;
          services: Record<string, { healthy: boolean; details?: object }>;
        };
        expect(body.healthy).toBe(false);
        expect(body.services['redis']).toMatchObject({ healthy: false, state: 'started' });
        expect(body.services['redis']?.details).toBeDefined();
        expect(body.services['admin']).toBeUndefined(); // only the unhealthy ones
        expect((await adminGet(app, '/health/live')).status).toBe(200);
      } finally {
        await restart();
      }
      await waitUntil(async () => (await adminGet(app, '/health/ready')).status === 200, {
        what: '/health/ready to answer 200 again',
      });
      expect((await adminGet(app, '/health/ready')).body).toMatchObject({
        healthy: true,
        services: { redis: { healthy: true } },
      });
    });

    it.runIf(target.mode === 'standalone')(
      'answers 503 on stop while the listener still runs a message, and keeps answering until it drained',
      async () => {
        const app = await start(target);
        const gate = gateOf(app);
        const listener = app.services.get(RedisListener);
        await app.services.get(RedisStreamRPCClient).call('gate.wait', {});
        await waitUntil(() => gate.started === 1, { what: 'the handler to start' });
        expect((await adminGet(app, '/health/ready')).status).toBe(200);

        const stopped = app.stop();
        const during = await adminGet(app, '/health/ready');
        expect(during.status).toBe(503);
        expect(during.body).toEqual({ healthy: false, stopping: true });
        expect(gate.finished).toBe(0);
        expect(listener.metrics.inFlight).toBe(1);
        await waitUntil(() => app.stateOf(listener.name) === 'stopping', { what: 'the listener draining' });
        expect((await adminGet(app, '/health/ready')).status).toBe(503);
        expect((await adminGet(app, '/metrics')).status).toBe(200);

        gate.open();
        await stopped;
        expect(gate.finished).toBe(1);
        expect(listener.metrics).toMatchObject({ processed: 1, inFlight: 0 });
        expect(app.stateOf('admin')).toBe('stopped');
      },
    );

    it('serves the dashboard at /dashboard with the app page, its token on the API', async () => {
      const app = await start(target, { admin: { dashboard: true, token: TOKEN } });
      const auth = { authorization: `Bearer ${TOKEN}` };
      await app.services.get(RedisStreamRPCClient).call('gate.count', {});
      await waitUntil(() => gateOf(app).counted === 1, { what: 'the call to run' });

      const redirect = await adminGet(app, '/dashboard');
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get('location')).toBe('/dashboard/');
      const page = await adminGet(app, '/dashboard/');
      expect(page.status).toBe(200); // the page loads without the token and asks for it
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);

      expect((await adminGet(app, '/dashboard/api/info')).status).toBe(401);
      const info = await adminGet(app, '/dashboard/api/info', auth);
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({
        redis: { mode: target.mode },
        app: { name: app.name, env: 'test', id: app.id },
      });

      const status = await adminGet(app, '/dashboard/api/app', auth);
      expect(status.status).toBe(200);
      const body = status.body as {
        app: {
          healthy: boolean;
          services: { name: string; healthy: boolean }[];
          listeners: { name: string; stream: string; metrics: { processed: number } }[];
          metrics: { name: string; type: string; labels: object; value: number | null }[];
        };
      };
      expect(body.app.healthy).toBe(true);
      expect(body.app.services.map((service) => service.name).sort()).toEqual(
        [
          'redis',
          'RedisCache',
          'JSONRPCServer',
          'gate',
          'RedisListener',
          'RedisStreamRPCClient',
          'admin',
        ].sort(),
      );
      expect(body.app.listeners).toEqual([
        expect.objectContaining({
          name: 'RedisListener',
          stream: `test.${app.name}._stream.rpc`,
          metrics: expect.objectContaining({ processed: 1 }),
        }),
      ]);
      expect(body.app.metrics).toContainEqual({
        name: 'keel_test_gate_counts_total',
        type: 'counter',
        labels: { service: 'gate' },
        value: 1,
      });
      expect(body.app.metrics.every((series) => series.name.startsWith('keel_'))).toBe(true);
      expect(body.app.metrics.some((series) => series.name.startsWith('keel_process_'))).toBe(false);

      const streams = await adminGet(app, `/dashboard/api/streams?match=test.${app.name}._stream.*`, auth);
      expect(streams.status).toBe(200);
      expect(streams.body).toMatchObject({
        streams: [{ key: `test.${app.name}._stream.rpc`, trim: { mode: 'delivered' } }],
      });

      // the admin routes work beside it, with the same token
      expect((await adminGet(app, '/metrics')).status).toBe(401);
      expect((await adminGet(app, '/metrics', auth)).status).toBe(200);
      expect((await adminGet(app, '/health/live')).status).toBe(200);
    });
  },
  { modes: ['standalone', 'cluster'] },
);
