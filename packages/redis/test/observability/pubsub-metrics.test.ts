import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisPublisher } from '../../src/pubsub/redis-publisher.js';
import { RedisSubscriber } from '../../src/pubsub/redis-subscriber.js';
import { startApp, stopApps } from '../streams/fixtures.js';
import { scrape } from './scrape.js';

afterEach(stopApps);

describeBoth('pub/sub metrics', (target) => {
  it('counts messages published and received, processed, failed and invalid', async () => {
    const server = await startApp(target, { listener: false, subscriber: { scope: 'USER' } });
    const caller = await startApp(target, { listener: false, ext: false });
    const publisher = caller.services.get(RedisPublisher);
    const subscriber = server.services.get(RedisSubscriber);
    for (let i = 0; i < 3; i++) await publisher.call('ext.echo', { i }, { app: server.name });
    await publisher.call('ext.admin_echo', {}, { app: server.name }); // refused: a failed message
    await target.client().publish(subscriber.channel, Buffer.from([0x92, 0xa8])); // undecodable
    await waitUntil(() => subscriber.metrics.processed === 4 && subscriber.metrics.invalid === 1);

    const c = await scrape(caller);
    expect(c.value('keel_pubsub_messages_published_total')).toBe(4);
    const s = await scrape(server);
    expect(s.value('keel_pubsub_messages_received_total')).toBe(5);
    expect(s.value('keel_pubsub_messages_processed_total')).toBe(4);
    expect(s.value('keel_pubsub_messages_failed_total')).toBe(1);
    expect(s.value('keel_pubsub_messages_invalid_total')).toBe(1);
    expect(s.value('keel_pubsub_messages_in_flight')).toBe(0);
    expect(s.series('keel_pubsub_messages_received_total')[0]?.labels['app']).toBe(server.name);
  });
});
