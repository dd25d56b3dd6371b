import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { defineLuaScripts } from '../../src/lua/lua-script.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { trimDelivered, trimDeliveredScript } from '../../src/streams/trim-stream.js';
import { startApp, stopApps } from './fixtures.js';

afterEach(stopApps);

describeBoth('stream trimming', (target) => {
  it('trim-delivered never removes an entry a slower group has not acknowledged', async () => {
    const redis = target.client();
    defineLuaScripts(redis, [trimDeliveredScript]);
    const stream = `test.trim${randomUUID().slice(0, 8)}._stream.rpc`;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await redis.xadd(stream, '*', '_', String(i)))!);
    const remaining = async (): Promise<string[]> => (await redis.xrange(stream, '-', '+')).map(([id]) => id);

    // No group yet: nothing is known to be delivered.
    expect(await trimDelivered(redis, stream)).toEqual({ removed: 0, minId: '' });

    // The fast group read and acknowledged everything.
    await redis.xgroup('CREATE', stream, 'fast', '0');
    await redis.xreadgroup('GROUP', 'fast', 'c', 'COUNT', 10, 'STREAMS', stream, '>');
    await redis.xack(stream, 'fast', ...ids);
    // The slow group has not read anything yet.
    await redis.xgroup('CREATE', stream, 'slow', '0');
    expect((await trimDelivered(redis, stream)).removed).toBe(0);
    expect(await remaining()).toEqual(ids);

    // The slow group read six entries and acknowledged the first three: 4–6 are pending.
    await redis.xreadgroup('GROUP', 'slow', 'c', 'COUNT', 6, 'STREAMS', stream, '>');
    await redis.xack(stream, 'slow', ids[0]!, ids[1]!, ids[2]!);
    expect(await trimDelivered(redis, stream)).toEqual({ removed: 3, minId: ids[3] });
    expect(await remaining()).toEqual(ids.slice(3));

    // Acknowledging 4 and 6 (5 still pending) moves the bound to 5 only.
    await redis.xack(stream, 'slow', ids[3]!, ids[5]!);
    expect(await trimDelivered(redis, stream)).toEqual({ removed: 1, minId: ids[4] });
    await redis.xack(stream, 'slow', ids[4]!);
    // Nothing pending: the bound is the slow group's last delivered entry (kept).
    expect(await trimDelivered(redis, stream)).toEqual({ removed: 1, minId: ids[5] });
    expect(await remaining()).toEqual(ids.slice(5));

    // A third group created at the start of the stream holds everything back.
    await redis.xgroup('CREATE', stream, 'new', '0');
    expect((await trimDelivered(redis, stream)).removed).toBe(0);
    expect(await remaining()).toEqual(ids.slice(5));
  });

  it('the listener trims delivered entries, respecting another group', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    const redis = target.client();
    await redis.xgroup('CREATE', listener.stream, 'audit', '0');
    for (let i = 0; i < 20; i++) await client.call('ext.echo', { i });
    await waitUntil(() => listener.metrics.processed === 20);
    await redis.xreadgroup('GROUP', 'audit', 'a', 'COUNT', 5, 'STREAMS', listener.stream, '>');
    await listener.trim();
    // The audit group still has entries 1–5 pending and 6–20 undelivered: nothing is removed.
    expect(await redis.xlen(listener.stream)).toBe(20);
    const all = await redis.xrange(listener.stream, '-', '+');
    await redis.xack(listener.stream, 'audit', all[0]![0], all[1]![0], all[2]![0]);
    expect(await listener.trim()).toBe(3);
    expect((await redis.xrange(listener.stream, '-', '+'))[0]![0]).toBe(all[3]![0]);
    expect(listener.metrics.trimmed).toBe(3);
  });

  it('trims by size (MAXLEN ~) when trim-delivered is off', async () => {
    const app = await startApp(target, { listener: { scope: 'USER', trimDelivered: false, trimSize: 100 } });
    const listener = app.services.get(RedisListener);
    const redis = target.client();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.xadd(listener.stream, '*', 'x', String(i));
    await pipeline.exec();
    const removed = await listener.trim();
    const length = await redis.xlen(listener.stream);
    expect(removed).toBeGreaterThan(0);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(1000);
  });
});
