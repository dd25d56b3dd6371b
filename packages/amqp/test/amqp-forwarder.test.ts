import type { App } from '@keel/core';
import { KeyspaceForwarder, RedisLocksService, RedisTransportService } from '@keel/redis';
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeBoth, startTestApp, waitUntil } from '../../test-utils/src/index.js';
import { AmqpSink } from '../src/amqp-sink.js';
import { TcpProxy } from './tcp-proxy.js';

function unique(name: string): string {
  return `${name}:{${Math.random().toString(36).slice(2, 8)}}:`;
}

/** A consumer on an exclusive queue bound to `amq.direct` with `routingKey`. */
async function consumer(connection: ChannelModel, routingKey: string): Promise<ConsumeMessage[]> {
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, 'amq.direct', routingKey);
  const messages: ConsumeMessage[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (message !== null) messages.push(message);
    },
    { noAck: true },
  );
  return messages;
}

describeBoth('KeyspaceForwarder → AMQP', (target) => {
  let broker: ChannelModel;
  const apps: App[] = [];
  beforeAll(async () => {
    broker = await connect('amqp://guest:guest@127.0.0.1:5672');
  });
  afterAll(async () => {
    await broker.close();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  /** Starts an app (stopped after the test) of a transport, locks, an AmqpSink and a forwarder to it. */
  async function start(
    sink: Readonly<Record<string, unknown>>,
    forwarder: Readonly<Record<string, unknown>>,
  ): Promise<App> {
    const app = await startTestApp({
      name: 'amqpfwd',
      classes: [RedisTransportService, RedisLocksService, AmqpSink, KeyspaceForwarder],
      services: [
        { cls: 'RedisTransportService', settings: target.transportSettings() },
        { cls: 'RedisLocksService' },
        { cls: 'AmqpSink', settings: sink },
        { cls: 'KeyspaceForwarder', settings: { sink: 'amqp', ...forwarder } },
      ],
      start: false,
    });
    apps.push(app);
    await app.start();
    return app;
  }

  it('publishes JSON events with the routing key, confirmed, in order', async () => {
    const p = unique('amqp');
    const routingKey = `keel-test-${p}`;
    const messages = await consumer(broker, routingKey);
    const app = await start(
      { routingKey, deliveryMode: 2 },
      { masks: [`^${p}`], events: '$g', lockKey: `${p}lock` },
    );
    const forwarder = app.services.get(KeyspaceForwarder);
    await waitUntil(() => forwarder.isLeader);
    const client = target.client();
    for (let i = 0; i < 50; i++) await client.set(`${p}k${i}`, '1');
    await client.del(`${p}k0`);
    await waitUntil(() => messages.length >= 51);
    expect(
      messages.every((m) => m.fields.routingKey === routingKey && m.fields.exchange === 'amq.direct'),
    ).toBe(true);
    expect(messages[0]?.properties.deliveryMode).toBe(2);
    const bodies = messages.map((m) => JSON.parse(m.content.toString()) as Record<string, unknown>);
    expect(bodies.map((b) => `${String(b['event'])} ${String(b['key'])}`)).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `set ${p}k${i}`),
      `del ${p}k0`,
    ]);
    expect(Object.keys(bodies[0] ?? {})).toEqual(['db', 'event', 'key', 'ts']);
    expect(forwarder.stats()).toMatchObject({ forwarded: 51, buffered: 0 });
  });

  it('buffers in the fallback list while the broker is cut off and replays in order, exactly once', async () => {
    const p = unique('cut');
    const routingKey = `keel-test-${p}`;
    const fallbackKey = `${p}fallback`;
    const messages = await consumer(broker, routingKey);
    const proxy = new TcpProxy(5672);
    await proxy.start();
    const app = await start(
      { routingKey, port: proxy.port, heartbeat: 0, connectTimeoutMs: 1000 },
      {
        masks: [`^${p}k`],
        events: '$',
        format: 'text',
        fallbackKey,
        lockKey: `${p}lock`,
        retryMinMs: 50,
        retryMaxMs: 300,
      },
    );
    const forwarder = app.services.get(KeyspaceForwarder);
    await waitUntil(() => forwarder.isLeader);
    const client = target.client();
    const write = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) await client.set(`${p}k${i}`, '1');
    };
    await write(0, 100);
    await waitUntil(() => messages.length >= 100, { what: 'the first 100 messages' });

    await proxy.cut();
    await write(100, 300);
    await waitUntil(async () => (await client.llen(fallbackKey)) === 200, {
      what: '200 events in the fallback list',
    });
    expect(forwarder.stats().sinkDown).toBe(true);

    await proxy.start(); // the broker is reachable again, on the same port
    await write(300, 400);
    await waitUntil(() => messages.length >= 400, { what: 'every message', timeout: 20_000 });
    await waitUntil(async () => (await client.llen(fallbackKey)) === 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(messages).toHaveLength(400);
    expect(messages.map((m) => m.content.toString())).toEqual(
      Array.from({ length: 400 }, (_, i) => `0\nset\n${p}k${i}`),
    );
    expect(forwarder.stats()).toMatchObject({ forwarded: 400, dropped: 0 });
    expect(forwarder.stats().replayed).toBeGreaterThanOrEqual(200);
    await app.stop();
    await proxy.cut();
  });

  it('with two instances each event is published once, and the follower takes over a crashed leader', async () => {
    const p = unique('ha');
    const routingKey = `keel-test-${p}`;
    const messages = await consumer(broker, routingKey);
    const forwarderSettings = { masks: [`^${p}k`], events: '$', lockKey: `${p}lock`, lockTtlMs: 1500 };
    const [a, b] = await Promise.all([
      start({ routingKey }, forwarderSettings),
      start({ routingKey }, forwarderSettings),
    ]);
    const fa = a.services.get(KeyspaceForwarder);
    const fb = b.services.get(KeyspaceForwarder);
    await waitUntil(() => fa.isLeader || fb.isLeader);
    const [follower, leaderApp] = fa.isLeader ? [fb, a] : [fa, b];
    const client = target.client();
    for (let i = 0; i < 100; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(() => messages.length >= 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(messages).toHaveLength(100);

    // Crash the leader: its Redis connections drop for good (no release, no renewal).
    leaderApp.services.get(RedisTransportService).client.disconnect();
    await waitUntil(() => follower.isLeader, { what: 'the follower to take over', timeout: 20_000 });
    for (let i = 100; i < 150; i++) await client.set(`${p}k${i}`, '1');
    await waitUntil(() => messages.length >= 150);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const keys = messages.map((m) => (JSON.parse(m.content.toString()) as { key: string }).key);
    expect(keys).toEqual(Array.from({ length: 150 }, (_, i) => `${p}k${i}`));
  }, 60_000);
});
