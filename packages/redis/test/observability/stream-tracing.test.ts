import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, expect, it } from 'vitest';
import {
  describeBoth,
  type RedisTarget,
  useInMemoryTracing,
  waitUntil,
} from '../../../test-utils/src/index.js';
import { RedisPublisher } from '../../src/pubsub/redis-publisher.js';
import { RedisSubscriber } from '../../src/pubsub/redis-subscriber.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { encodeStreamMessage, MESSAGE_FIELD } from '../../src/streams/wire-format.js';
import { probeOf, startApp, stopApps } from '../streams/fixtures.js';
import { idsOf, isChildOf, spanNamed, spansNamed } from './tracing-fixtures.js';

afterEach(stopApps);

/** A server app (listener with scope USER) and a caller app, with the caller's stream client. */
async function twoApps(target: RedisTarget) {
  const server = await startApp(target, { listener: { scope: 'USER' } });
  const caller = await startApp(target, { listener: false, ext: false });
  const client = caller.services.get(RedisStreamRPCClient);
  const listener = server.services.get(RedisListener);
  return { server, caller, client, listener, stream: listener.stream };
}

/** Runs `work` under an active root span named `name` (the caller's own operation). */
function underSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  return trace.getTracer('test').startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

for (const propagator of [false, true]) {
  const how = propagator ? 'W3C propagator registered' : 'no propagator: Keel writes traceparent';
  describeBoth(
    `stream tracing (${how})`,
    (target) => {
      const tracing = useInMemoryTracing({ propagator });

      it('follows a call from the client app through the stream into the server app: one trace', async () => {
        const { client, server, stream } = await twoApps(target);
        const id = await underSpan('checkout', () => client.call('ext.echo', { n: 1 }, { app: server.name }));
        const root = await spanNamed(tracing, 'checkout');
        const producer = await spanNamed(tracing, `publish ${stream}`, SpanKind.PRODUCER);
        const consumer = await spanNamed(tracing, `process ${stream}`, SpanKind.CONSUMER);
        const handler = await spanNamed(tracing, 'ext.echo', SpanKind.SERVER);
        expect(isChildOf(producer, root)).toBe(true);
        // Parent AND link: the process span is a child of the message's creation context and links to it.
        expect(isChildOf(consumer, producer)).toBe(true);
        expect(consumer.links.map((link) => link.context.spanId)).toEqual([producer.spanContext().spanId]);
        expect(isChildOf(handler, consumer)).toBe(true);
        expect(new Set([root, producer, consumer, handler].map((span) => idsOf(span).traceId)).size).toBe(1);
        expect(producer.attributes).toMatchObject({
          'messaging.system': 'redis',
          'messaging.destination.name': stream,
          'messaging.operation.type': 'publish',
          'messaging.message.id': id,
          'keel.rpc.method': 'ext.echo',
        });
        expect(consumer.attributes).toMatchObject({
          'messaging.system': 'redis',
          'messaging.destination.name': stream,
          'messaging.operation.type': 'process',
          'messaging.message.id': id,
          'messaging.consumer.group.name': server.name,
          'messaging.redis.message.delivery_count': 1,
          'keel.rpc.method': 'ext.echo',
        });
        expect(handler.attributes).toMatchObject({ 'rpc.system': 'jsonrpc', 'rpc.method': 'ext.echo' });
        expect(consumer.status.code).toBe(SpanStatusCode.UNSET);
        // The headers map carries the creation context; the body is untouched.
        const [entry] = probeOf(server.name).calls;
        expect(entry?.context.headers['traceparent']).toBe(
          `00-${idsOf(producer).traceId}-${idsOf(producer).spanId}-01`,
        );
        expect(entry?.params).toEqual({ n: 1 });
      });

      it('marks a failing call: the handler span and the message span get status ERROR', async () => {
        const { client, server, stream } = await twoApps(target);
        await client.call('ext.reject', {}, { app: server.name });
        const handler = await spanNamed(tracing, 'ext.reject', SpanKind.SERVER);
        const consumer = await spanNamed(tracing, `process ${stream}`);
        expect(handler.status.code).toBe(SpanStatusCode.ERROR);
        expect(handler.attributes['rpc.jsonrpc.error_code']).toBe(4001);
        expect(consumer.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'a call failed' });
        expect(isChildOf(handler, consumer)).toBe(true);
      });

      it('gives every call of a batch message its own child span', async () => {
        const { client, server, stream } = await twoApps(target);
        await client.callMultiple(
          [
            ['ext.echo', { n: 1 }],
            ['ext.double', { value: 2 }],
            ['ext.echo', { n: 3 }],
          ],
          { app: server.name },
        );
        const consumer = await spanNamed(tracing, `process ${stream}`);
        const echoes = await spansNamed(tracing, 'ext.echo', 2);
        const double = await spanNamed(tracing, 'ext.double');
        for (const child of [...echoes, double]) expect(isChildOf(child, consumer)).toBe(true);
        expect(consumer.attributes['keel.rpc.call_count']).toBe(3);
        expect(consumer.attributes['keel.rpc.method']).toBeUndefined();
        const producer = await spanNamed(tracing, `publish ${stream}`);
        expect(producer.attributes['keel.rpc.call_count']).toBe(3);
        expect(isChildOf(consumer, producer)).toBe(true);
      });

      it("carries the server's context back in the reply: the request span links to it", async () => {
        const { client, server, stream } = await twoApps(target);
        expect(await client.request('ext.double', { value: 21 }, { app: server.name })).toBe(42);
        const request = await spanNamed(tracing, `request ${stream}`, SpanKind.PRODUCER);
        const consumer = await spanNamed(tracing, `process ${stream}`);
        expect(isChildOf(consumer, request)).toBe(true);
        expect(request.links).toHaveLength(1);
        expect(request.links[0]?.context.spanId).toBe(consumer.spanContext().spanId);
        expect(request.links[0]?.attributes).toMatchObject({
          'messaging.operation.type': 'receive',
          'messaging.destination.name': client.replyStream,
        });
        expect(request.attributes['messaging.message.conversation_id']).toMatch(/^.+:\d+$/);
        // The request span covers the round trip: it ends after the server's span.
        expect(request.endTime[0] * 1e9 + request.endTime[1]).toBeGreaterThanOrEqual(
          consumer.endTime[0] * 1e9 + consumer.endTime[1],
        );
      });

      it('marks a request answered with an error', async () => {
        const { client, server, stream } = await twoApps(target);
        await expect(client.request('ext.reject', {}, { app: server.name })).rejects.toMatchObject({
          rpcCode: 4001,
        });
        const request = await spanNamed(tracing, `request ${stream}`);
        expect(request.status.code).toBe(SpanStatusCode.ERROR);
        expect(request.links).toHaveLength(1);
      });

      it('gives a message from a producer without traceparent (kaiju) a root consumer span', async () => {
        const { server, stream } = await twoApps(target);
        const payload = encodeStreamMessage(['ext.echo', { kaiju: true }], { 'Correlation-Id': 'k1' });
        const id = await target.client().xadd(stream, '*', MESSAGE_FIELD, payload);
        const consumer = await spanNamed(tracing, `process ${stream}`);
        expect(consumer.parentSpanContext).toBeUndefined();
        expect(consumer.links).toEqual([]);
        expect(consumer.attributes).toMatchObject({
          'messaging.message.id': id,
          'messaging.message.conversation_id': 'k1',
        });
        const handler = await spanNamed(tracing, 'ext.echo');
        expect(isChildOf(handler, consumer)).toBe(true);
        expect(probeOf(server.name).paramsOf('ext.echo')).toEqual([{ kaiju: true }]);
      });

      it('ignores a malformed traceparent (10 kB, a number, a nested map…) and processes the message', async () => {
        const { server, stream, listener } = await twoApps(target);
        const bad: unknown[] = [
          'x'.repeat(10_000),
          `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01${'-'.repeat(10_000)}`,
          42,
          { traceparent: { nested: { map: 1 } } },
          ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
          '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01',
          null,
        ];
        for (const [i, traceparent] of bad.entries()) {
          const headers = { traceparent, tracestate: i % 2 === 0 ? 7 : 'x'.repeat(10_000) };
          await target
            .client()
            .xadd(stream, '*', MESSAGE_FIELD, encodeStreamMessage(['ext.echo', { i }], headers));
        }
        await waitUntil(() => listener.metrics.processed === bad.length, { what: 'every message processed' });
        expect(listener.metrics.failed).toBe(0);
        expect(listener.metrics.deadLettered).toBe(0);
        const consumers = await spansNamed(tracing, `process ${stream}`, bad.length);
        for (const consumer of consumers) {
          expect(consumer.parentSpanContext).toBeUndefined();
          expect(consumer.links).toEqual([]);
        }
        expect(probeOf(server.name).count('ext.echo')).toBe(bad.length);
      });

      it('traces pub/sub the same way: publish span, process span as its child, handler span inside', async () => {
        const server = await startApp(target, { listener: false, subscriber: { scope: 'USER' } });
        const caller = await startApp(target, { listener: false, ext: false });
        const subscriber = server.services.get(RedisSubscriber);
        await underSpan('notify', () =>
          caller.services.get(RedisPublisher).call('ext.echo', { p: 1 }, { app: server.name }),
        );
        await waitUntil(() => subscriber.metrics.processed === 1);
        const root = await spanNamed(tracing, 'notify');
        const producer = await spanNamed(tracing, `publish ${subscriber.channel}`, SpanKind.PRODUCER);
        const consumer = await spanNamed(tracing, `process ${subscriber.channel}`, SpanKind.CONSUMER);
        const handler = await spanNamed(tracing, 'ext.echo');
        expect(isChildOf(producer, root)).toBe(true);
        expect(isChildOf(consumer, producer)).toBe(true);
        expect(consumer.links[0]?.context.spanId).toBe(producer.spanContext().spanId);
        expect(isChildOf(handler, consumer)).toBe(true);
        expect(consumer.attributes).toMatchObject({
          'messaging.system': 'redis',
          'messaging.destination.name': subscriber.channel,
          'messaging.operation.type': 'process',
        });
      });
    },
    { modes: ['standalone', 'cluster'] },
  );
}
