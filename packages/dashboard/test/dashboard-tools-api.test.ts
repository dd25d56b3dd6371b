import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisListener, RedisLocksService, RedisTransportService } from '@keel/redis';
import { describeBoth } from '@keel/test-utils';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createDashboardHandler, type AppStatus, type LockPage, type RpcOutcome } from '../src/index.js';
import { appName, startDashboard, startWorkApp, stopWorkApps, type DashboardFixture } from './fixtures.js';

afterEach(stopWorkApps);

/** Reads server-sent events until `until` returns true for one; resolves with all read. */
async function readEvents(
  response: Response,
  until: (event: Record<string, unknown>) => boolean,
  onReady: () => Promise<void>,
): Promise<Record<string, unknown>[]> {
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!block.startsWith('data: ')) continue;
      const event = JSON.parse(block.slice(6)) as Record<string, unknown>;
      events.push(event);
      if (event['type'] === 'ready') await onReady();
      if (until(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

describeBoth('dashboard API: locks, keyspace, RPC, app', (target) => {
  let dashboard: DashboardFixture;
  beforeAll(async () => {
    dashboard = await startDashboard(target);
  });
  afterAll(async () => {
    await dashboard.server.close();
  });

  it('lists the locks under a prefix with owner, ttl and fencing token, a page at a time', async () => {
    const app = await startWorkApp(target, { listener: false });
    const locks = app.services.get(RedisLocksService);
    const prefix = `test.${appName('locks')}.`;
    const held = [];
    for (let i = 0; i < 12; i++) {
      held.push(await locks.acquire(`${prefix}order-${i}`, { identifier: `worker-${i}`, ttl: 60_000 }));
    }
    await locks.release(held[11] ?? held[0]!);
    const again = await locks.acquire(`${prefix}order-11`, { identifier: 'worker-again', ttl: 60_000 });
    await target.client().set(`${prefix}not-a-lock`, 'no ttl');

    const seen = new Map<string, LockPage['locks'][number]>();
    let cursor: string | null | undefined;
    do {
      const page: LockPage = await dashboard.get<LockPage>('locks', {
        prefix,
        count: 5,
        ...(cursor === undefined || cursor === null ? {} : { cursor }),
      });
      for (const lock of page.locks) seen.set(lock.key, lock);
      cursor = page.cursor;
    } while (cursor !== null);
    expect([...seen.keys()].sort()).toEqual(held.map((lock) => lock.keys[0]).sort());
    expect(seen.get(`${prefix}order-3`)).toMatchObject({ owner: 'worker-3', token: held[3]?.token });
    expect(seen.get(`${prefix}order-11`)).toMatchObject({ owner: 'worker-again', token: again.token });
    expect(again.token).toBeGreaterThan(held[11]?.token ?? 0);
    expect(seen.get(`${prefix}order-0`)?.ttlMs).toBeGreaterThan(30_000);
  });

  it('streams keyspace events of a pattern as server-sent events, filtered by event name', async () => {
    const prefix = appName('ks');
    const response = await dashboard.fetch(`keyspace/events?pattern=${prefix}:*&events=A&names=set,del`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const redis = target.client();
    const events = await readEvents(
      response,
      (event) => event['type'] === 'event' && event['event'] === 'del',
      async () => {
        await redis.set(`${prefix}:a`, '1');
        await redis.expire(`${prefix}:a`, 100);
        await redis.del(`${prefix}:a`);
      },
    );
    expect(events[0]).toMatchObject({ type: 'ready' });
    expect(events.slice(1).map((event) => [event['event'], event['key']])).toEqual([
      ['set', `${prefix}:a`],
      ['del', `${prefix}:a`],
    ]);
  });

  it('bounds the keyspace tail rate and counts what it drops', async () => {
    const prefix = appName('ks');
    const response = await dashboard.fetch(`keyspace/events?pattern=${prefix}:*&events=$&rate=3`);
    const redis = target.client();
    let delivered = 0;
    let dropped = 0;
    await readEvents(
      response,
      (event) => {
        if (event['type'] === 'event') delivered++;
        if (event['type'] === 'dropped') dropped += Number(event['count']);
        return delivered + dropped >= 20;
      },
      async () => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => redis.set(`${prefix}:{t}${i}`, 'x')));
      },
    );
    // 3 a second: the burst may straddle one refill of the budget, never more.
    expect(delivered).toBeGreaterThanOrEqual(3);
    expect(delivered).toBeLessThanOrEqual(6);
    expect(delivered + dropped).toBe(20);
  });

  it('sends requests to an app and returns the result or the JSON-RPC error', async () => {
    const app = await startWorkApp(target);
    const stream = app.services.get(RedisListener).stream;
    const ok = await dashboard.post<RpcOutcome>('rpc', {
      key: stream,
      method: 'work.double',
      params: { value: 21 },
    });
    expect(ok).toMatchObject({ ok: true, result: 42 });
    expect(ok.ms).toBeGreaterThan(0);
    const missing = await dashboard.post<RpcOutcome>('rpc', { key: stream, method: 'work.nothing' });
    expect(missing).toMatchObject({ ok: false, error: { code: -32601, message: 'Method not found' } });
    const nobody = await dashboard.post<RpcOutcome>('rpc', {
      key: `test.${appName('gone')}._stream.rpc`,
      method: 'work.double',
      params: { value: 1 },
      timeoutMs: 300,
    });
    expect(nobody).toMatchObject({ ok: false, error: { code: 'STREAM_REQUEST_TIMEOUT' } });
  });

  it('mounts under a prefix in any node:http server and reports the serving app', async () => {
    const app = await startWorkApp(target);
    const handler = createDashboardHandler({
      transport: app.services.get(RedisTransportService),
      app,
      prefix: '/admin/dashboard',
    });
    const server = createServer((req, res) => {
      void handler(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end('not mine');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/other`)).status).toBe(418);
      const redirect = await fetch(`${base}/admin/dashboard`, { redirect: 'manual' });
      expect(redirect.status).toBe(308);
      expect(redirect.headers.get('location')).toBe('/admin/dashboard/');
      const pageHtml = await (await fetch(`${base}/admin/dashboard/`)).text();
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(pageHtml)?.[1];
      expect(script).toBeDefined();
      expect((await fetch(`${base}/admin/dashboard/${script ?? ''}`)).headers.get('content-type')).toMatch(
        /^text\/javascript/,
      );
      const status = (await (await fetch(`${base}/admin/dashboard/api/app`)).json()) as { app: AppStatus };
      expect(status.app).toMatchObject({ name: app.name, env: 'test', healthy: true });
      expect(status.app.listeners).toEqual([
        expect.objectContaining({ name: 'listener', stream: app.services.get(RedisListener).stream }),
      ]);
      const summary = (await (
        await fetch(
          `${base}/admin/dashboard/api/streams/summary?key=${app.services.get(RedisListener).stream}`,
        )
      ).json()) as { streams: { trim: unknown }[] };
      expect(summary.streams[0]?.trim).toEqual({ mode: 'delivered' });
      expect(await dashboard.get('app')).toEqual({ app: null });
    } finally {
      await handler.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
