import { RpcError, Scope } from '@keel/core';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { encodeStreamMessage, MESSAGE_FIELD } from '../../src/streams/wire-format.js';
import { appName, probeOf, startApp, stopApps } from './fixtures.js';

afterEach(stopApps);

describeBoth('RedisListener', (target) => {
  it('runs a notification sent with call() through the JSONRPCServer and acknowledges it', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    expect(listener.stream).toBe(`test.${app.name}._stream.rpc`);

    const id = await client.call('ext.echo', { value: 123 });
    expect(id).toMatch(/^\d+-\d+$/);
    await waitUntil(() => listener.metrics.processed === 1, { what: 'the message to be processed' });
    expect(probeOf(app.name).paramsOf('ext.echo')).toEqual([{ value: 123 }]);
    expect(probeOf(app.name).calls[0]?.context.scope).toBe(Scope.USER);
    const pending = await target.client().xpending(listener.stream, listener.group);
    expect(pending[0]).toBe(0);
  });

  it('calls another app by name and reaches its stream', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const client = caller.services.get(RedisStreamRPCClient);
    expect(client.streamKey({ app: server.name })).toBe(`test.${server.name}._stream.rpc`);
    await client.call('ext.echo', { from: 'caller' }, { app: server.name });
    await waitUntil(() => probeOf(server.name).count('ext.echo') === 1);
    expect(probeOf(server.name).paramsOf('ext.echo')).toEqual([{ from: 'caller' }]);
  });

  it('returns results and JSON-RPC errors to request()', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const client = caller.services.get(RedisStreamRPCClient);
    const options = { app: server.name, timeout: 10_000 };

    await expect(client.request('ext.double', { value: 21 }, options)).resolves.toBe(42);

    const invalid = await client
      .request('ext.double', { value: 'x' }, options)
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(RpcError);
    expect((invalid as RpcError).rpcCode).toBe(-32602);
    expect((invalid as RpcError).data).toEqual({ problems: [{ path: '$input.value', expected: 'number' }] });

    const unknown = await client.request('ext.nope', {}, options).catch((error: unknown) => error);
    expect((unknown as RpcError).rpcCode).toBe(-32601);

    const rejected = await client.request('ext.reject', {}, options).catch((error: unknown) => error);
    expect(rejected).toMatchObject({ rpcCode: 4001, message: 'Out of stock', data: { sku: 'A1' } });
  });

  it('checks scopes: a method needing more than the listener scope looks unknown', async () => {
    const guest = await startApp(target, { listener: { scope: 'GUEST' } });
    const system = await startApp(target, { listener: { scope: 'system' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const client = caller.services.get(RedisStreamRPCClient);

    await expect(client.request('ext.public_echo', { a: 1 }, { app: guest.name })).resolves.toEqual({ a: 1 });
    const denied = await client.request('ext.echo', {}, { app: guest.name }).catch((error: unknown) => error);
    expect((denied as RpcError).rpcCode).toBe(-32601);
    await expect(client.request('ext.admin_echo', { b: 2 }, { app: system.name })).resolves.toEqual({ b: 2 });
    expect(probeOf(guest.name).count('ext.echo')).toBe(0);
  });

  it('runs a batch (callMultiple) as one message, every call concurrently', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.callMultiple([
      ['ext.echo', { n: 1 }],
      { method: 'ext.double', params: { value: 2 } },
      ['ext.double', { value: 'bad' }],
    ]);
    await waitUntil(() => listener.metrics.processed === 1);
    expect(probeOf(app.name).paramsOf('ext.echo')).toEqual([{ n: 1 }]);
    expect(probeOf(app.name).paramsOf('ext.double')).toEqual([{ value: 2 }]);
    // One call of the batch had invalid params: the message counts as failed, and is not retried.
    expect(listener.metrics).toMatchObject({ processed: 1, failed: 1, deadLettered: 0 });
  });

  it('passes headers to the handler and drops a call whose Deadline has passed', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.call('ext.whoami', {}, { headers: { 'Correlation-Id': 'c-1', 'X-Custom': 'yes' } });
    await client.call('ext.echo', { late: true }, { headers: { Deadline: Date.now() / 1000 - 5 } });
    await client.call('ext.echo', { onTime: true }, { headers: { Deadline: Date.now() / 1000 + 60 } });
    await waitUntil(() => listener.metrics.processed === 3);
    const whoami = probeOf(app.name).calls.find((call) => call.method === 'ext.whoami');
    expect(whoami?.context.correlationId).toBe('c-1');
    expect(whoami?.context.headers).toMatchObject({ 'X-Custom': 'yes' });
    expect(probeOf(app.name).paramsOf('ext.echo')).toEqual([{ onTime: true }]);
    expect(listener.metrics.failed).toBe(1);
  });

  it('reads messages written in the kaiju wire format by another encoder', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const listener = app.services.get(RedisListener);
    // [["ext.echo", {"a": 1}], {}] as plain MessagePack, byte by byte.
    const bytes = Buffer.from([0x92, 0x92, 0xa8, ...Buffer.from('ext.echo'), 0x81, 0xa1, 0x61, 0x01, 0x80]);
    await target.client().xadd(listener.stream, '*', MESSAGE_FIELD, bytes);
    await waitUntil(() => probeOf(app.name).count('ext.echo') === 1);
    expect(probeOf(app.name).paramsOf('ext.echo')).toEqual([{ a: 1 }]);
  });

  it('dead-letters an undecodable entry at once, with its error, and keeps going', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    const redis = target.client();
    expect(listener.deadLetterStream).toBe(`{${listener.stream}}._dead`);
    const badId = await redis.xadd(listener.stream, '*', MESSAGE_FIELD, Buffer.from([0xc1]));
    await redis.xadd(listener.stream, '*', 'other', 'field');
    await client.write(listener.stream, ['ext.echo']); // a body without params is fine
    await client.write(listener.stream, 42); // not a call
    await client.call('ext.echo', { after: true });
    await waitUntil(() => listener.metrics.deadLettered === 3 && probeOf(app.name).count('ext.echo') === 2);
    const dead = await redis.xrange(listener.deadLetterStream, '-', '+');
    expect(dead).toHaveLength(3);
    const first = Object.fromEntries(chunk(dead[0]?.[1] ?? []));
    expect(first['_id']).toBe(badId);
    expect(JSON.parse(first['_error'] ?? '{}')).toMatchObject({ keelCode: 'STREAM_MESSAGE_INVALID' });
    expect(first['_group']).toBe(listener.group);
    const pending = await redis.xpending(listener.stream, listener.group);
    expect(pending[0]).toBe(0);
  });

  it('retries a failing message through claiming, then dead-letters it after maxDeliveries', async () => {
    const app = await startApp(target, {
      listener: { scope: 'USER', pendingMessagesTimeMs: 100, maxDeliveries: 3 },
    });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.call('ext.flaky', { key: 'a', times: 1 });
    await client.call('ext.fail', {});
    await waitUntil(() => listener.metrics.deadLettered === 1 && listener.metrics.processed === 1, {
      what: 'the failing message to be dead-lettered',
    });
    expect(probeOf(app.name).count('ext.fail')).toBe(3);
    expect(probeOf(app.name).count('ext.flaky')).toBe(2);
    const dead = await target.client().xrange(listener.deadLetterStream, '-', '+');
    const fields = Object.fromEntries(chunk(dead[0]?.[1] ?? []));
    expect(JSON.parse(fields['_error'] ?? '{}')).toMatchObject({ code: -32603 });
    expect(fields['_deliveries']).toBe('3');
  });

  it('dead-letters without running an entry delivered more than maxDeliveries times (crashing consumers)', async () => {
    const name = appName();
    const stream = `test.${name}._stream.rpc`;
    const redis = target.client();
    await redis.xgroup('CREATE', stream, name, '0', 'MKSTREAM');
    const payload = encodeStreamMessage(['ext.echo', { poison: true }]);
    const id = (await redis.xadd(stream, '*', MESSAGE_FIELD, payload))!;
    // A consumer that "crashed" four times on it: delivered, never acknowledged.
    await redis.xreadgroup('GROUP', name, 'crashed', 'COUNT', 1, 'STREAMS', stream, '>');
    await redis.call('XCLAIM', stream, name, 'crashed', 0, id, 'RETRYCOUNT', 4);
    const app = await startApp(target, {
      name,
      listener: { scope: 'USER', pendingMessagesTimeMs: 100, maxDeliveries: 3 },
    });
    const listener = app.services.get(RedisListener);
    await waitUntil(() => listener.metrics.deadLettered === 1, { what: 'the entry to be dead-lettered' });
    expect(probeOf(name).count('ext.echo')).toBe(0);
    const [[, fields]] = (await redis.xrange(listener.deadLetterStream, '-', '+')) as [[string, string[]]];
    const map = Object.fromEntries(chunk(fields));
    expect(map['_deliveries']).toBe('5');
    expect(JSON.parse(map['_error'] ?? '{}')).toMatchObject({ keelCode: 'STREAM_MAX_DELIVERIES' });
  });

  it('drops pending entries whose stream entry was deleted (XAUTOCLAIM)', async () => {
    const name = appName();
    const stream = `test.${name}._stream.rpc`;
    const redis = target.client();
    await redis.xgroup('CREATE', stream, name, '0', 'MKSTREAM');
    const id = (await redis.xadd(stream, '*', MESSAGE_FIELD, encodeStreamMessage(['ext.echo', {}])))!;
    await redis.xreadgroup('GROUP', name, 'gone', 'COUNT', 1, 'STREAMS', stream, '>');
    await redis.xdel(stream, id);
    const app = await startApp(target, { name, listener: { scope: 'USER', pendingMessagesTimeMs: 100 } });
    const listener = app.services.get(RedisListener);
    await waitUntil(async () => (await redis.xpending(stream, name))[0] === 0, {
      what: 'the orphaned pending entry to go',
    });
    expect(probeOf(name).count('ext.echo')).toBe(0);
    expect(listener.metrics.deadLettered).toBe(0);
  });

  it('dead-letters a failing message at once when claiming is off', async () => {
    const app = await startApp(target, { listener: { scope: 'USER', pendingMessagesTimeMs: null } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.call('ext.fail', {});
    await waitUntil(() => listener.metrics.deadLettered === 1);
    expect(probeOf(app.name).count('ext.fail')).toBe(1);
    const pending = await target.client().xpending(listener.stream, listener.group);
    expect(pending[0]).toBe(0);
  });

  it('answers a request that failed for good with its error, also when dead-lettered', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const error = await caller.services
      .get(RedisStreamRPCClient)
      .request('ext.fail', {}, { app: server.name })
      .catch((failure: unknown) => failure);
    expect((error as RpcError).rpcCode).toBe(-32603);
  });

  it('recreates a deleted stream and its group, with backoff', async () => {
    const app = await startApp(target, { listener: { scope: 'USER', maxWaitTimeMs: 100 } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.call('ext.echo', { n: 1 });
    await waitUntil(() => listener.metrics.processed === 1);
    await target.client().del(listener.stream);
    await waitUntil(async () => (await listener.groupInfo()) !== undefined, {
      what: 'the group to be recreated',
    });
    await client.call('ext.echo', { n: 2 });
    await waitUntil(() => listener.metrics.processed === 2, { what: 'the message after recreation' });
    expect(listener.metrics.errors).toBeLessThan(10);
  });

  it('finishes and acknowledges in-flight messages on close', async () => {
    const app = await startApp(target, { listener: { scope: 'USER', maxParallelBatches: 3 } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    for (let i = 0; i < 3; i++) await client.call('ext.slow', { ms: 1000 });
    await waitUntil(() => listener.metrics.inFlight === 3);
    await app.stop();
    expect(listener.metrics).toMatchObject({ processed: 3, inFlight: 0 });
    const pending = await target.client().xpending(listener.stream, listener.group);
    expect(pending[0]).toBe(0);
  });

  it('reports pending and lag', async () => {
    const app = await startApp(target, { listener: { scope: 'USER' } });
    const client = app.services.get(RedisStreamRPCClient);
    const listener = app.services.get(RedisListener);
    await client.call('ext.echo', {});
    await waitUntil(() => listener.metrics.processed === 1);
    const metrics = await listener.refreshMetrics();
    expect(metrics.pending).toBe(0);
    expect(metrics.lag).toBe(0);
  });

  it('shares a group between consumers: each message runs once', async () => {
    const name = appName();
    const one = await startApp(target, { name, listener: { scope: 'USER' } });
    const two = await startApp(target, { name, listener: { scope: 'USER' } });
    const client = one.services.get(RedisStreamRPCClient);
    for (let i = 0; i < 40; i++) await client.call('ext.echo', { i });
    const listeners = [one, two].map((app) => app.services.get(RedisListener));
    await waitUntil(() => listeners.reduce((sum, l) => sum + l.metrics.processed, 0) === 40);
    const seen = probeOf(name)
      .paramsOf('ext.echo')
      .map((params) => (params as { i: number }).i);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
  });
});

function chunk(list: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push([list[i]!, list[i + 1]!]);
  return pairs;
}
