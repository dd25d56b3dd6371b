import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { startLocksApp, type LocksApp } from '../locks/locks-app.js';
import { startApp, stopApps } from '../streams/fixtures.js';
import { scrapeOverHttp as scrape } from './scrape.js';

const locksApps: LocksApp[] = [];
afterEach(async () => {
  await stopApps();
  await Promise.all(locksApps.splice(0).map((app) => app.stop()));
});

const N = 12;

describeBoth('metrics end to end', (target) => {
  it('exports exact counts on GET /metrics after N stream calls, a poison message and a lock timeout', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const listener = server.services.get(RedisListener);
    const client = caller.services.get(RedisStreamRPCClient);
    const to = { app: server.name };
    for (let i = 0; i < N; i++) await client.call('ext.echo', { i }, to);
    await client.call('ext.fail', {}, to); // the poison message: it always throws, no claiming: dead-lettered

    const locked = await startLocksApp(target);
    locksApps.push(locked);
    const key = `e2e:${randomUUID()}`;
    const held = await locked.locks.acquire(key);
    await expect(locked.locks.acquire(key, { timeout: 100 })).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });

    await waitUntil(() => listener.metrics.processed === N && listener.metrics.deadLettered === 1);
    await listener.refreshMetrics();

    const labels = { stream: listener.stream, group: listener.group };
    const s = await scrape(server);
    expect(s.value('keel_stream_messages_processed_total', labels)).toBe(N); // dead letters excluded
    expect(s.value('keel_stream_messages_dead_lettered_total', labels)).toBe(1);
    expect(s.value('keel_stream_messages_failed_total', labels)).toBe(0);
    expect(s.value('keel_stream_messages_retried_total', labels)).toBe(0);
    expect(s.value('keel_stream_messages_claimed_total', labels)).toBe(0);
    expect(s.value('keel_stream_messages_in_flight', labels)).toBe(0);
    expect(s.value('keel_stream_group_pending_messages', labels)).toBe(0);
    expect(s.value('keel_stream_group_lag_messages', labels)).toBe(0);
    expect(s.value('keel_stream_listener_paused', labels)).toBe(0);
    expect(s.series('keel_stream_messages_processed_total')[0]?.labels['app']).toBe(server.name);

    const c = await scrape(caller);
    expect(
      c.value('keel_stream_client_messages_written_total', {
        service: 'stream_client',
        stream: listener.stream,
      }),
    ).toBe(N + 1);
    expect(c.series('keel_stream_client_request_timeouts_total')).toEqual([]); // no request timed out

    const l = await scrape(locked.app);
    expect(l.value('keel_lock_timeouts_total')).toBe(1);
    expect(l.value('keel_lock_acquisitions_total')).toBe(1);
    expect(l.value('keel_locks_held')).toBe(1);
    await locked.locks.release(held);
    expect((await scrape(locked.app)).value('keel_locks_held')).toBe(0);
  });
});
