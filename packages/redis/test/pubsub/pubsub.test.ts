import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisPublisher } from '../../src/pubsub/redis-publisher.js';
import { RedisSubscriber } from '../../src/pubsub/redis-subscriber.js';
import { probeOf, startApp, stopApps } from '../streams/fixtures.js';

afterEach(stopApps);

describeBoth('RedisSubscriber / RedisPublisher', (target) => {
  it('runs published calls and batches through the JSONRPCServer with the subscriber scope', async () => {
    const server = await startApp(target, { listener: false, subscriber: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const publisher = caller.services.get(RedisPublisher);
    const subscriber = server.services.get(RedisSubscriber);
    expect(subscriber.channel).toBe(`test.${server.name}._pubsub.rpc`);
    expect(publisher.channel({ app: server.name })).toBe(subscriber.channel);

    const receivers = await publisher.call(
      'ext.echo',
      { n: 1 },
      { app: server.name, headers: { 'Correlation-Id': 'p1' } },
    );
    // In a cluster PUBLISH counts only the subscribers connected to the node that received it.
    if (target.mode === 'standalone') expect(receivers).toBe(1);
    await publisher.callMultiple(
      [
        ['ext.echo', { n: 2 }],
        ['ext.admin_echo', { n: 3 }],
      ],
      { app: server.name },
    );
    await waitUntil(() => subscriber.metrics.processed === 2);
    const probe = probeOf(server.name);
    // Pub/sub keeps no order across messages (in a cluster they may travel through different nodes).
    expect(probe.paramsOf('ext.echo')).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    expect(probe.paramsOf('ext.echo')).toHaveLength(2);
    const first = probe.calls.find((call) => (call.params as { n?: number }).n === 1);
    expect(first?.context.correlationId).toBe('p1');
    // admin_echo needs SYSTEM: refused as an unknown method, the message counts as failed.
    expect(probe.count('ext.admin_echo')).toBe(0);
    expect(subscriber.metrics).toMatchObject({ received: 2, processed: 2, failed: 1, invalid: 0 });
  });

  it('drops undecodable messages and keeps going', async () => {
    const server = await startApp(target, { listener: false, subscriber: { scope: 'USER' } });
    const subscriber = server.services.get(RedisSubscriber);
    await target.client().publish(subscriber.channel, Buffer.from([0x92, 0xa8]));
    await server.services.get(RedisPublisher).write('rpc', ['ext.echo', { ok: true }]);
    await waitUntil(() => subscriber.metrics.processed === 1);
    expect(subscriber.metrics.invalid).toBe(1);
    expect(probeOf(server.name).paramsOf('ext.echo')).toEqual([{ ok: true }]);
  });

  it('is at most once: a message published with nobody subscribed is gone', async () => {
    const caller = await startApp(target, { listener: false, ext: false });
    expect(await caller.services.get(RedisPublisher).call('ext.echo', {}, { app: 'nobody' })).toBe(0);
  });
});
