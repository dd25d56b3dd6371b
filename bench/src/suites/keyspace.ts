import { KeyspaceWatcher } from '@keel/redis';
import { startTransportApp } from '../harness/bench-app.js';
import { rawRedis } from '../harness/bench-redis.js';
import { KeyArrivals, onKeyspaceEvents } from '../harness/key-arrivals.js';
import { defineSuite } from '../harness/suite.js';

const VALUE = 'v'.repeat(64);

/**
 * Keyspace events delivered to a callback per second, with the producer in the same run: each
 * op SETs a fresh key through an auto-pipelining ioredis connection and completes when the
 * callback has received that key's `set` event (with its value, for `fetchValue: get`). The
 * baseline is the same loop on a raw ioredis `PSUBSCRIBE` whose handler `GET`s the value
 * (auto-pipelined), with none of the watcher's ordering, bounds, failover or reconnect handling.
 */
export const keyspaceSuite = defineSuite({
  name: 'keyspace',
  description: 'keyspace events/s delivered to a callback (producer SETs in the same run)',
  defaultConcurrency: 200,
  async setup(_, cleanup) {
    const { server, app, transport } = await startTransportApp(cleanup);
    const [producer, rawSubscriber, rawReader] = await Promise.all([
      rawRedis(cleanup, server, { enableAutoPipelining: true }),
      rawRedis(cleanup, server),
      rawRedis(cleanup, server, { enableAutoPipelining: true }),
    ]);
    const arrivals = new KeyArrivals((key) => producer.set(key, VALUE));
    for (const [prefix, fetchValue] of [
      ['bench:ks:get:', 'get'],
      ['bench:ks:none:', 'none'],
    ] as const) {
      const watcher = new KeyspaceWatcher(transport, {
        patterns: [`${prefix}*`],
        events: '$',
        fetchValue,
        logger: app.logger,
        callbacks: [
          (key, value) => {
            if (fetchValue === 'get' && value === null) throw new Error(`no value for ${key}`);
            arrivals.arrive(key);
          },
        ],
      });
      cleanup.add(() => watcher.stop());
      await watcher.start();
    }
    await onKeyspaceEvents(rawSubscriber, 'bench:raw:*', (key) => {
      void rawReader.get(key).then(() => {
        arrivals.arrive(key);
      });
    });
    return [
      { name: 'ioredis psubscribe + GET', op: () => arrivals.roundTrip('bench:raw:') },
      {
        name: 'keel watcher fetchValue get',
        baseline: 'ioredis psubscribe + GET',
        op: () => arrivals.roundTrip('bench:ks:get:'),
      },
      { name: 'keel watcher fetchValue none', op: () => arrivals.roundTrip('bench:ks:none:') },
    ];
  },
});
