import type { App } from '@keel/core';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { KeyspaceForwarder } from '../../src/forwarder/keyspace-forwarder.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import {
  forwarderApp,
  MemorySinkService,
  streamEntries,
  uniquePrefix,
  type MemorySink,
} from './forwarder-app.js';

describeBoth('KeyspaceForwarder', (target) => {
  const apps: App[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  async function start(settings: Record<string, unknown>, name?: string): Promise<App> {
    const app = await forwarderApp(target, settings, name);
    apps.push(app);
    await app.start();
    return app;
  }

  /** Starts a forwarder of `settings` to the memory sink and waits until it leads. */
  async function startToMemory(
    settings: Record<string, unknown>,
  ): Promise<{ forwarder: KeyspaceForwarder; sink: MemorySink }> {
    const app = await start({ events: '$', sink: 'memory', ...settings });
    const forwarder = app.services.get(KeyspaceForwarder);
    await waitUntil(() => forwarder.isLeader);
    return { forwarder, sink: app.services.get(MemorySinkService).sink };
  }

  it('forwards matching events to a stream, in order, with plain fields', async () => {
    const p = uniquePrefix('fs');
    const stream = `${p}stream`;
    const app = await start({ masks: [`^${p}a.*$`, `^${p}b:1$`], events: '$gh', stream, maxLen: 1000 });
    const forwarder = app.services.get(KeyspaceForwarder);
    await waitUntil(() => forwarder.isLeader);
    const client = target.client();
    await client.set(`${p}a:1`, 'x');
    await client.set(`${p}b:1`, 'x');
    await client.set(`${p}b:2`, 'x'); // no mask matches
    await client.hset(`${p}a:2`, 'f', 'v');
    await client.lpush(`${p}a:3`, 'v'); // class l not forwarded
    await client.del(`${p}a:1`);
    const expected = [`set ${p}a:1`, `set ${p}b:1`, `hset ${p}a:2`, `del ${p}a:1`];
    await waitUntil(async () => (await streamEntries(target, stream)).length >= expected.length);
    expect(await streamEntries(target, stream)).toEqual(expected);
    const [first] = await target.client().xrange(stream, '-', '+', 'COUNT', 1);
    const fields = first?.[1] ?? [];
    expect(fields.filter((_, i) => i % 2 === 0)).toEqual(['db', 'event', 'key', 'ts']);
    expect(Number(fields[7])).toBeGreaterThan(0);
    // The forwarder's own writes (stream, lock) are never forwarded back.
    expect(await streamEntries(target, stream)).not.toContain(`xadd ${stream}`);
    expect(forwarder.stats()).toMatchObject({ forwarded: 4, dropped: 0 });
  });

  it('buffers in the fallback list while the sink is down and replays in order before new events', async () => {
    const p = uniquePrefix('fb');
    const fallbackKey = `${p}fallback`;
    const { forwarder, sink } = await startToMemory({
      masks: [`^${p}k`],
      fallbackKey,
      retryMinMs: 50,
      retryMaxMs: 200,
    });
    const client = target.client();
    const total = 600;
    for (let i = 0; i < 200; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(() => sink.received.length === 200);
    sink.down = true;
    for (let i = 200; i < 400; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(async () => (await client.llen(fallbackKey)) === 200, { what: '200 buffered events' });
    sink.down = false;
    for (let i = 400; i < total; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(() => sink.received.length >= total, { what: 'every event' });
    await waitUntil(async () => (await client.llen(fallbackKey)) === 0);
    // a replayed batch is counted once the list has dropped it (after the LTRIM's reply)
    await waitUntil(() => forwarder.stats().forwarded >= total, { what: 'the replays counted' });
    expect(sink.received.map((e) => e.key)).toEqual(Array.from({ length: total }, (_, i) => `${p}k${i}`));
    expect(forwarder.stats()).toMatchObject({
      forwarded: total,
      replayed: expect.any(Number) as number,
      dropped: 0,
    });
    expect(forwarder.stats().buffered).toBeGreaterThanOrEqual(200);
  });

  it('caps the fallback list, dropping the oldest', async () => {
    const p = uniquePrefix('cap');
    const fallbackKey = `${p}fallback`;
    const { forwarder, sink } = await startToMemory({
      masks: [`^${p}k`],
      fallbackKey,
      fallbackStorageSize: 50,
    });
    sink.down = true;
    const client = target.client();
    for (let i = 0; i < 120; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(() => forwarder.stats().buffered === 120);
    const kept = (await client.lrange(fallbackKey, 0, -1)).map(
      (entry) => (JSON.parse(entry) as unknown[])[2],
    );
    expect(kept).toEqual(Array.from({ length: 50 }, (_, i) => `${p}k${i + 70}`));
  });

  it('keeps one leader among two instances, and the other takes over when the leader dies', async () => {
    const p = uniquePrefix('ha');
    const stream = `${p}stream`;
    const lockKey = `${p}leader`;
    const settings = { masks: [`^${p}k`], events: '$', stream, lockKey, lockTtlMs: 1500 };
    const a = await start(settings, 'fwd-a');
    const b = await start(settings, 'fwd-b');
    const fa = a.services.get(KeyspaceForwarder);
    const fb = b.services.get(KeyspaceForwarder);
    await waitUntil(() => fa.isLeader || fb.isLeader);
    const [leader, follower, leaderApp] = fa.isLeader ? [fa, fb, a] : [fb, fa, b];
    expect(follower.isLeader).toBe(false);
    const client = target.client();
    for (let i = 0; i < 100; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(async () => (await streamEntries(target, stream)).length >= 100);
    // Each event forwarded once (no duplicates from the follower).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await streamEntries(target, stream)).toEqual(
      Array.from({ length: 100 }, (_, i) => `set ${p}k${i}`),
    );

    // Crash the leader: its Redis connections drop for good (no release, no renewal).
    leaderApp.services.get(RedisTransportService).client.disconnect();
    await waitUntil(() => follower.isLeader, { what: 'the follower to take over', timeout: 20_000 });
    await waitUntil(() => !leader.isLeader, { what: 'the old leader to step down', timeout: 20_000 });
    for (let i = 100; i < 150; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(async () => (await streamEntries(target, stream)).length >= 150);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const entries = await streamEntries(target, stream);
    expect(entries.slice(100)).toEqual(Array.from({ length: 50 }, (_, i) => `set ${p}k${i + 100}`));
    expect(entries).toHaveLength(150);
  }, 60_000);
});
