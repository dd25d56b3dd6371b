import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { appName, startApp, stopApps } from '../streams/fixtures.js';
import { scrape } from './scrape.js';

afterEach(stopApps);

describeBoth('stream metrics', (target) => {
  it('counts what the listener and the client did, exactly, per stream, group and method', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' }, client: {} });
    const caller = await startApp(target, { listener: false, ext: false });
    const listener = server.services.get(RedisListener);
    const client = caller.services.get(RedisStreamRPCClient);
    const to = { app: server.name, timeout: 10_000 };
    for (let i = 0; i < 5; i++) await client.call('ext.echo', { i }, to);
    await client.call('ext.fail', {}, to); // no claiming: dead-lettered at once
    await expect(client.request('ext.double', { value: 2 }, to)).resolves.toBe(4);
    await expect(client.request('ext.reject', {}, to)).rejects.toMatchObject({ rpcCode: 4001 });
    const nobody = appName('nobody');
    await expect(client.request('ext.echo', {}, { app: nobody, timeout: 200 })).rejects.toMatchObject({
      code: 'STREAM_REQUEST_TIMEOUT',
    });
    await waitUntil(() => listener.metrics.processed === 7 && listener.metrics.deadLettered === 1);
    await listener.refreshMetrics();

    const labels = { stream: listener.stream, group: listener.group, service: 'redis_stream.rpc' };
    const s = await scrape(server);
    expect(s.value('keel_stream_messages_processed_total', labels)).toBe(7);
    expect(s.value('keel_stream_messages_failed_total', labels)).toBe(1); // ext.reject answered an error
    expect(s.value('keel_stream_messages_dead_lettered_total', labels)).toBe(1);
    expect(s.value('keel_stream_messages_retried_total', labels)).toBe(0);
    expect(s.value('keel_stream_messages_claimed_total', labels)).toBe(0);
    expect(s.value('keel_stream_listener_errors_total', labels)).toBe(0);
    expect(s.value('keel_stream_messages_in_flight', labels)).toBe(0);
    expect(s.value('keel_stream_group_pending_messages', labels)).toBe(0);
    expect(s.value('keel_stream_group_lag_messages', labels)).toBe(0);
    expect(s.value('keel_stream_listener_paused', labels)).toBe(0);
    const batches = s.value('keel_stream_batch_duration_seconds_count', labels);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(8);
    expect(s.value('keel_stream_batch_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(batches);
    expect(s.series('keel_stream_messages_processed_total')[0]?.labels).toEqual({
      ...labels,
      app: server.name,
    });

    const c = await scrape(caller);
    const svc = { service: 'stream_client' };
    expect(c.value('keel_stream_client_messages_written_total', { ...svc, stream: listener.stream })).toBe(8);
    expect(c.value('keel_stream_client_messages_written_total', svc)).toBe(9);
    expect(c.value('keel_stream_client_write_errors_total', svc)).toBe(0);
    const at = { ...svc, stream: listener.stream };
    expect(c.value('keel_stream_client_requests_total', { ...at, method: 'ext.double', outcome: 'ok' })).toBe(
      1,
    );
    expect(
      c.value('keel_stream_client_requests_total', { ...at, method: 'ext.reject', outcome: 'error' }),
    ).toBe(1);
    expect(
      c.value('keel_stream_client_requests_total', { ...svc, method: 'ext.echo', outcome: 'timeout' }),
    ).toBe(1);
    expect(c.value('keel_stream_client_requests_total', svc)).toBe(3);
    expect(c.value('keel_stream_client_request_timeouts_total', svc)).toBe(1);
    expect(c.value('keel_stream_client_request_duration_seconds_count', svc)).toBe(2);
    expect(c.value('keel_stream_client_requests_in_flight', svc)).toBe(0);
  });

  it('counts retries and claims, and shows the pause', async () => {
    const app = await startApp(target, {
      listener: { scope: 'USER', pendingMessagesTimeMs: 100, maxDeliveries: 3 },
    });
    const listener = app.services.get(RedisListener);
    await app.services.get(RedisStreamRPCClient).call('ext.flaky', { key: 'k', times: 1 });
    await waitUntil(() => listener.metrics.processed === 1);
    const labels = { stream: listener.stream, group: listener.group };
    const s = await scrape(app);
    expect(s.value('keel_stream_messages_processed_total', labels)).toBe(1);
    expect(s.value('keel_stream_messages_retried_total', labels)).toBe(1);
    expect(s.value('keel_stream_messages_claimed_total', labels)).toBe(1);
    expect(s.value('keel_stream_messages_failed_total', labels)).toBe(0);
    await listener.lock();
    expect((await scrape(app)).value('keel_stream_listener_paused', labels)).toBe(1);
    await listener.unlock();
    expect((await scrape(app)).value('keel_stream_listener_paused', labels)).toBe(0);
  });

  it('records nothing with app.metrics: false', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' }, app: { metrics: false } });
    const listener = app.services.get(RedisListener);
    await app.services.get(RedisStreamRPCClient).call('ext.echo', {});
    await waitUntil(() => listener.metrics.processed === 1);
    expect((await app.metrics.text()).trim()).toBe('');
  });
});
