import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { decodeStreamMessage, messagePayload } from '../../src/streams/wire-format.js';
import { probeOf, startApp, stopApps } from './fixtures.js';

afterEach(stopApps);

describeBoth('RedisStreamRPCClient', (target) => {
  it('writes the kaiju wire format: field "_" = msgpack [[method, params], headers]', async () => {
    const app = await startApp(target, { listener: false, ext: false });
    const client = app.services.get(RedisStreamRPCClient);
    const key = app.namespace.key('some_stream');
    const id = await client.write(key, 42, { 'Custom-Header': '1' });
    await client.call('ext.do', { value: 123 }, { app: 'other', headers: { 'Session-Id': 's' } });
    const redis = target.client();
    const [entry] = await redis.xrangeBuffer(key, '-', '+');
    expect(entry?.[0].toString()).toBe(id);
    expect(entry?.[1].map(String)[0]).toBe('_');
    expect(decodeStreamMessage(messagePayload(entry?.[1]))).toEqual({
      body: 42,
      headers: { 'Custom-Header': '1' },
    });
    const [call] = await redis.xrangeBuffer(`test.other._stream.rpc`, '-', '+');
    expect(decodeStreamMessage(messagePayload(call?.[1]))).toEqual({
      body: ['ext.do', { value: 123 }],
      headers: { 'Session-Id': 's' },
    });
    // A bare topic is a topic of this app.
    await client.write('events', { n: 1 });
    expect(await redis.xlen(`test.${app.name}._stream.events`)).toBe(1);
  });

  it('caps streams with maxLen (MAXLEN ~)', async () => {
    const app = await startApp(target, { listener: false, ext: false, client: { maxLen: 10 } });
    const client = app.services.get(RedisStreamRPCClient);
    for (let i = 0; i < 300; i++) await client.call('ext.echo', { i }, { app: 'capped' });
    const length = await target.client().xlen('test.capped._stream.rpc');
    expect(length).toBeLessThan(300);
    expect(length).toBeGreaterThanOrEqual(10);
  });

  it('times out a request nobody answers, and cleans its reply stream up on close', async () => {
    const app = await startApp(target, { listener: false, ext: false });
    const client = app.services.get(RedisStreamRPCClient);
    const error = await client
      .request('ext.echo', {}, { app: 'nobody', timeout: 200 })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'STREAM_REQUEST_TIMEOUT' });
    expect((await target.client().xrange('test.nobody._stream.rpc', '-', '+'))[0]).toBeDefined();
  });

  it('deletes replies once read and the reply stream on close; notifications get no reply', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const client = caller.services.get(RedisStreamRPCClient);
    const redis = target.client();
    await client.call('ext.echo', { notify: true }, { app: server.name });
    await waitUntil(() => server.services.get(RedisListener).metrics.processed === 1);
    expect(await redis.exists(client.replyStream)).toBe(0);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.request('ext.double', { value: i }, { app: server.name })),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(client.replyStream).toBe(`test.${caller.name}._reply.${client.clientId}`);
    await waitUntil(async () => (await redis.xlen(client.replyStream)) === 0, {
      what: 'read replies to be deleted',
    });
    const ttl = await redis.pttl(client.replyStream);
    expect(ttl === -2 || ttl > 0).toBe(true);
    await caller.stop();
    expect(await redis.exists(client.replyStream)).toBe(0);
    await expect(client.call('ext.echo', {})).rejects.toMatchObject({ code: 'STREAM_CLIENT_CLOSED' });
  });

  it('sends the Correlation-Id and a Deadline with a request', async () => {
    const server = await startApp(target, { listener: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const client = caller.services.get(RedisStreamRPCClient);
    const answer = await client.request<{ correlationId: string; headers: Record<string, unknown> }>(
      'ext.whoami',
      {},
      { app: server.name, headers: { 'Correlation-Id': 'trace-1' } },
    );
    expect(answer.correlationId).toBe('trace-1');
    expect(answer.headers['Reply-To']).toBe(client.replyStream);
    expect(typeof answer.headers['Deadline']).toBe('number');
    expect(probeOf(server.name).count('ext.whoami')).toBe(1);
  });
});
