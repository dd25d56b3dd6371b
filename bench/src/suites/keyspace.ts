import {
  KeyspaceWatcher,
  RedisTransportService,
  redisTransportSettings,
  startRedisServer,
} from '@keel/redis';
import { createLogger } from '@keel/core';
import { Redis } from 'ioredis';
import { benchAppContext } from '../harness/bench-app-context.js';
import { defineSuite } from '../harness/suite.js';

const VALUE = 'v'.repeat(64);
/** Keys cycle through this many names (an op's key is never reused while it is in flight). */
const KEY_SPACE = 1_000_000;

/** Resolves the waiter of each key when its event has been delivered. */
class Deliveries {
  readonly #waiters = new Map<string, () => void>();
  #next = 0;

  /** A fresh key under `prefix` and a promise of its delivery. */
  expect(prefix: string): { key: string; delivered: Promise<void> } {
    const key = `${prefix}${(this.#next = (this.#next + 1) % KEY_SPACE)}`;
    const delivered = new Promise<void>((resolve) => this.#waiters.set(key, resolve));
    return { key, delivered };
  }

  deliver(key: string): void {
    const resolve = this.#waiters.get(key);
    if (resolve === undefined) return;
    this.#waiters.delete(key);
    resolve();
  }
}

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
  async setup() {
    const server = await startRedisServer();
    const app = benchAppContext();
    const transport = new RedisTransportService({
      app,
      name: 'redis',
      settings: { ...redisTransportSettings.defaults, host: server.host, port: server.port },
      logger: app.logger,
    });
    const options = { host: server.host, port: server.port, protocol: 2, lazyConnect: true } as const;
    const producer = new Redis({ ...options, enableAutoPipelining: true });
    const rawSubscriber = new Redis(options);
    const rawReader = new Redis({ ...options, enableAutoPipelining: true });
    const deliveries = new Deliveries();
    const logger = createLogger({ level: 'silent' });
    const watchers: KeyspaceWatcher[] = [];
    const close = async (): Promise<void> => {
      await Promise.all(watchers.map((watcher) => watcher.stop()));
      for (const client of [producer, rawSubscriber, rawReader]) client.disconnect();
      await transport.close();
      await server.stop();
    };
    try {
      await transport.init(AbortSignal.timeout(10_000));
      await Promise.all([producer.connect(), rawSubscriber.connect(), rawReader.connect()]);
      for (const [prefix, fetchValue] of [
        ['bench:ks:get:', 'get'],
        ['bench:ks:none:', 'none'],
      ] as const) {
        const watcher = new KeyspaceWatcher(transport, {
          patterns: [`${prefix}*`],
          events: '$',
          fetchValue,
          logger,
          callbacks: [
            (key, value) => {
              if (fetchValue === 'get' && value === null) throw new Error(`no value for ${key}`);
              deliveries.deliver(key);
            },
          ],
        });
        watchers.push(watcher);
        await watcher.start();
      }
      await rawSubscriber.psubscribe('__keyspace@0__:bench:raw:*');
      rawSubscriber.on('pmessage', (_pattern: string, channel: string) => {
        const key = channel.slice('__keyspace@0__:'.length);
        void rawReader.get(key).then(() => {
          deliveries.deliver(key);
        });
      });
    } catch (error) {
      await close();
      throw error;
    }
    const produce = async (prefix: string): Promise<void> => {
      const { key, delivered } = deliveries.expect(prefix);
      await Promise.all([producer.set(key, VALUE), delivered]);
    };
    return {
      cases: [
        { name: 'ioredis psubscribe + GET', op: () => produce('bench:raw:') },
        {
          name: 'keel watcher fetchValue get',
          baseline: 'ioredis psubscribe + GET',
          op: () => produce('bench:ks:get:'),
        },
        { name: 'keel watcher fetchValue none', op: () => produce('bench:ks:none:') },
      ],
      close,
    };
  },
});
