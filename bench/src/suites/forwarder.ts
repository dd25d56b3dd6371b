import { App, createLogger, ServiceRegistry, type ServiceConfig } from '@keel/core';
import {
  KeyspaceForwarder,
  keyspaceForwarderSettings,
  redisLocksSettings,
  RedisLocksService,
  RedisTransportService,
  redisTransportSettings,
  startRedisServer,
} from '@keel/redis';
import { Redis } from 'ioredis';
import { defineSuite } from '../harness/suite.js';

const VALUE = 'v'.repeat(64);
const KEY_SPACE = 1_000_000;
const KEEL_STREAM = 'bench:fwd:keel:stream';
const RAW_STREAM = 'bench:fwd:raw:stream';

function entry(cls: string, settings: object, index: number): ServiceConfig {
  return {
    cls,
    name: cls,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings: settings as Record<string, unknown>,
    source: { file: 'bench', path: `services[${index}]` },
  };
}

/** Resolves the waiter of each key when it shows up in a stream. */
class Arrivals {
  readonly #waiters = new Map<string, () => void>();
  #next = 0;

  expect(prefix: string): { key: string; arrived: Promise<void> } {
    const key = `${prefix}${(this.#next = (this.#next + 1) % KEY_SPACE)}`;
    const arrived = new Promise<void>((resolve) => this.#waiters.set(key, resolve));
    return { key, arrived };
  }

  arrive(key: string): void {
    const resolve = this.#waiters.get(key);
    this.#waiters.delete(key);
    resolve?.();
  }
}

/**
 * Keyspace events forwarded to a Redis stream per second, producer in the same run: each op SETs
 * a fresh key and completes when a blocking `XREAD` sees the key's event in the stream. The
 * baseline is a raw ioredis `PSUBSCRIBE` whose handler `XADD`s each event (auto-pipelined) — no
 * masks, leader lock, fallback or ordering guarantees.
 */
export const forwarderSuite = defineSuite({
  name: 'forwarder',
  description: 'keyspace events/s forwarded to a Redis stream (producer SETs in the same run)',
  defaultConcurrency: 200,
  async setup() {
    const server = await startRedisServer();
    const options = { host: server.host, port: server.port, protocol: 2, lazyConnect: true } as const;
    const producer = new Redis({ ...options, enableAutoPipelining: true });
    const rawSubscriber = new Redis(options);
    const rawWriter = new Redis({ ...options, enableAutoPipelining: true });
    const reader = new Redis(options);
    const arrivals = new Arrivals();
    let reading = true;
    const registry = new ServiceRegistry().register(
      RedisTransportService,
      RedisLocksService,
      KeyspaceForwarder,
    );
    const app = new App(
      {
        packages: [],
        files: ['bench'],
        app: {
          name: 'bench',
          env: 'bench',
          initTimeoutMs: 30_000,
          closeTimeoutMs: 10_000,
          logLevel: 'silent',
        },
        services: [
          entry(
            'RedisTransportService',
            { ...redisTransportSettings.defaults, host: server.host, port: server.port },
            0,
          ),
          entry('RedisLocksService', { ...redisLocksSettings.defaults }, 1),
          entry(
            'KeyspaceForwarder',
            {
              ...keyspaceForwarderSettings.defaults,
              events: '$',
              masks: ['^bench:fwd:keel:k'],
              stream: KEEL_STREAM,
            },
            2,
          ),
        ],
      },
      { registry, logger: createLogger({ level: 'silent' }) },
    );
    let readLoop: Promise<void> = Promise.resolve();
    const close = async (): Promise<void> => {
      reading = false;
      reader.disconnect();
      await readLoop.catch(() => undefined);
      await app.stop();
      for (const client of [producer, rawSubscriber, rawWriter]) client.disconnect();
      await server.stop();
    };
    try {
      await Promise.all([producer.connect(), rawSubscriber.connect(), rawWriter.connect(), reader.connect()]);
      await app.start();
      const forwarder = app.services.get(KeyspaceForwarder);
      const deadline = Date.now() + 10_000;
      while (!forwarder.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await rawSubscriber.psubscribe('__keyspace@0__:bench:fwd:raw:k*');
      rawSubscriber.on('pmessage', (_pattern: string, channel: string, event: string) => {
        const key = channel.slice('__keyspace@0__:'.length);
        void rawWriter.xadd(
          RAW_STREAM,
          'MAXLEN',
          '~',
          1_000_000,
          '*',
          'db',
          '0',
          'event',
          event,
          'key',
          key,
          'ts',
          String(Date.now()),
        );
      });
      readLoop = (async () => {
        const ids = ['$', '$'];
        const active = (): boolean => reading;
        while (active()) {
          const reply = await reader.xread(
            'COUNT',
            5000,
            'BLOCK',
            1000,
            'STREAMS',
            KEEL_STREAM,
            RAW_STREAM,
            ...ids,
          );
          for (const [stream, entries] of reply ?? []) {
            const index = stream === KEEL_STREAM ? 0 : 1;
            for (const [id, fields] of entries) {
              ids[index] = id;
              const at = fields.indexOf('key');
              const key = at >= 0 ? fields[at + 1] : undefined;
              if (key !== undefined) arrivals.arrive(key);
            }
          }
        }
      })();
    } catch (error) {
      await close();
      throw error;
    }
    const produce = async (prefix: string): Promise<void> => {
      const { key, arrived } = arrivals.expect(prefix);
      await Promise.all([producer.set(key, VALUE), arrived]);
    };
    return {
      cases: [
        { name: 'ioredis psubscribe + XADD', op: () => produce('bench:fwd:raw:k') },
        {
          name: 'keel forwarder → stream',
          baseline: 'ioredis psubscribe + XADD',
          op: () => produce('bench:fwd:keel:k'),
        },
      ],
      close,
    };
  },
});
