import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import {
  App,
  createLogger,
  JSONRPCServer,
  jsonRpcServerSettings,
  type RpcService,
  Scope,
  Service,
  type ServiceConfig,
  ServiceRegistry,
} from '@keel/core';
import {
  type RedisServerHandle,
  RedisListener,
  redisListenerSettings,
  RedisStreamRPCClient,
  redisStreamRpcClientSettings,
  RedisTransportService,
  redisTransportSettings,
  startRedisServer,
} from '@keel/redis';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BenchCase } from '../harness/suite.js';
import { defineSuite } from '../harness/suite.js';

/** Messages sent → dispatched → acknowledged per keel batch read (kept equal to the peers' 100). */
const BATCH = 100;

/** The part of moleculer used here (CommonJS without usable ESM types). */
interface MoleculerBroker {
  createService(schema: object): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  sendToChannel(name: string, payload: unknown): Promise<void>;
}
type BrokerClass = new (options: object) => MoleculerBroker;
const require = createRequire(import.meta.url);
const { ServiceBroker } = require('moleculer') as { ServiceBroker: BrokerClass };
const { Middleware: ChannelsMiddleware } = require('@moleculer/channels') as {
  Middleware: (options: object) => object;
};

/**
 * Turns "a message finished" events into per-operation promises: every operation takes a ticket
 * and resolves once as many messages as its ticket number have finished. Completion order is
 * not tracked per message, but the count of completed operations is exact, which is what the
 * harness measures (operations per second = messages per second, end to end).
 */
class Completions {
  #issued = 0;
  #done = 0;
  readonly #waiters: { ticket: number; resolve: () => void }[] = [];
  #head = 0;

  ticket(): Promise<void> {
    const ticket = ++this.#issued;
    if (this.#done >= ticket) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#waiters.push({ ticket, resolve });
    });
  }

  complete(count: number): void {
    this.#done += count;
    while (this.#head < this.#waiters.length) {
      const waiter = this.#waiters[this.#head]!;
      if (waiter.ticket > this.#done) break;
      this.#head += 1;
      waiter.resolve();
    }
    if (this.#head > 10_000) {
      this.#waiters.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

/** Collects operations issued in one tick and hands them over as one batch (for bulk producers). */
function tickBatcher<T>(flush: (items: T[]) => void): (item: T) => void {
  let pending: T[] = [];
  return (item) => {
    pending.push(item);
    if (pending.length === 1) {
      process.nextTick(() => {
        const items = pending;
        pending = [];
        flush(items);
      });
    }
  };
}

/** The no-op method the stream cases call: `bench.noop`. */
class BenchService extends Service implements RpcService {
  get routes() {
    return { noop: () => null };
  }

  get permissions() {
    return { '*': Scope.GUEST };
  }
}

const registry = new ServiceRegistry().register(
  RedisTransportService,
  JSONRPCServer,
  BenchService,
  RedisListener,
  RedisStreamRPCClient,
);

function entry(cls: string, name: string, settings: object, index: number): ServiceConfig {
  return {
    cls,
    name,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings: settings as Record<string, unknown>,
    source: { file: 'bench', path: `services[${index}]` },
  };
}

/** A keel app with the no-op method behind a listener, and a stream client. */
export async function startKeelApp(server: RedisServerHandle, name: string): Promise<App> {
  const app = new App(
    {
      packages: [],
      files: ['bench'],
      app: { name, env: 'bench', initTimeoutMs: 20_000, closeTimeoutMs: 10_000, logLevel: 'silent' },
      services: [
        entry(
          'RedisTransportService',
          'redis',
          { ...redisTransportSettings.defaults, host: server.host, port: server.port },
          0,
        ),
        entry('JSONRPCServer', 'rpc', { ...jsonRpcServerSettings.defaults, maxParallelTasks: 1024 }, 1),
        entry('BenchService', 'bench', {}, 2),
        entry(
          'RedisListener',
          'listener',
          {
            ...redisListenerSettings.defaults,
            maxBatchSize: BATCH,
            maxParallelBatches: 4,
            maxWaitTimeMs: 100,
          },
          3,
        ),
        entry('RedisStreamRPCClient', 'client', { ...redisStreamRpcClientSettings.defaults }, 4),
      ],
    },
    { registry, logger: createLogger({ level: 'silent' }) },
  );
  await app.start();
  return app;
}

/** The keel case: `RedisStreamRPCClient.call` → RedisListener → JSONRPCServer → XACK. */
function keelCase(app: App): BenchCase {
  const completions = new Completions();
  app.services.get(RedisListener).events.on('settled', (count) => {
    completions.complete(count);
  });
  const client = app.services.get(RedisStreamRPCClient);
  return {
    name: 'keel call()',
    op: async () => {
      const done = completions.ticket();
      await client.call('bench.noop', {});
      await done;
    },
  };
}

/** The raw loop: pipelined XADD of a msgpack-sized payload; one consumer doing XREADGROUP COUNT 100 + XACK. */
async function rawCase(server: RedisServerHandle): Promise<{ benchCase: BenchCase; close(): Promise<void> }> {
  const producer = new Redis({ host: server.host, port: server.port, protocol: 2 });
  const consumer = new Redis({ host: server.host, port: server.port, protocol: 2 });
  const acker = new Redis({ host: server.host, port: server.port, protocol: 2 });
  const stream = 'bench.raw';
  await producer.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
  const completions = new Completions();
  const payload = Buffer.from([0x92, 0x92, 0xaa, ...Buffer.from('bench.noop'), 0x80, 0x80]);
  const send = tickBatcher<null>((items) => {
    const pipeline = producer.pipeline();
    for (let i = 0; i < items.length; i++) pipeline.xadd(stream, '*', '_', payload);
    void pipeline.exec();
  });
  const state = { running: true };
  const loop = (async () => {
    while (state.running) {
      const reply = (await consumer.xreadgroupBuffer(
        'GROUP',
        'g',
        'c',
        'COUNT',
        BATCH,
        'BLOCK',
        100,
        'STREAMS',
        stream,
        '>',
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      await acker.xack(stream, 'g', ...entries.map(([id]) => id));
      completions.complete(entries.length);
    }
  })();
  return {
    benchCase: {
      name: 'raw XADD/XREADGROUP/XACK',
      op: () => {
        const done = completions.ticket();
        send(null);
        return done;
      },
    },
    async close() {
      state.running = false;
      await loop;
      for (const client of [producer, consumer, acker]) client.disconnect();
    },
  };
}

/** BullMQ: Queue.addBulk of the operations of one tick; a Worker with concurrency 100, no-op processor. */
async function bullmqCase(
  server: RedisServerHandle,
): Promise<{ benchCase: BenchCase; close(): Promise<void> }> {
  const connection = { host: server.host, port: server.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  const completions = new Completions();
  const worker = new Worker('bench', () => Promise.resolve(null), { connection, concurrency: 100 });
  worker.on('completed', () => {
    completions.complete(1);
  });
  await worker.waitUntilReady();
  const add = tickBatcher<null>((items) => {
    void queue.addBulk(
      items.map(() => ({ name: 'noop', data: {}, opts: { removeOnComplete: true, removeOnFail: true } })),
    );
  });
  return {
    benchCase: {
      name: 'bullmq addBulk + Worker',
      op: () => {
        const done = completions.ticket();
        add(null);
        return done;
      },
    },
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

/** @moleculer/channels, Redis adapter, maxInFlight 100, counted when the handler returned. */
async function moleculerCase(
  server: RedisServerHandle,
): Promise<{ benchCase: BenchCase; close(): Promise<void> }> {
  const completions = new Completions();
  const broker = new ServiceBroker({
    logger: false,
    nodeID: 'bench',
    middlewares: [
      ChannelsMiddleware({
        adapter: {
          type: 'Redis',
          options: { redis: { host: server.host, port: server.port }, maxInFlight: 100 },
        },
      }),
    ],
  });
  broker.createService({
    name: 'sub',
    channels: {
      'bench.noop': {
        group: 'bench',
        maxInFlight: 100,
        handler: () => {
          completions.complete(1);
          return Promise.resolve();
        },
      },
    },
  });
  await broker.start();
  return {
    benchCase: {
      name: 'moleculer channels',
      op: async () => {
        const done = completions.ticket();
        await broker.sendToChannel('bench.noop', {});
        await done;
      },
    },
    close: () => broker.stop(),
  };
}

/** request() round trips: `callers` callers in parallel, `total` requests; p50 and p99 in ms. */
async function requestLatency(
  client: RedisStreamRPCClient,
  app: string,
  callers: number,
  total: number,
): Promise<string> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        next += 1;
        const started = performance.now();
        await client.request('bench.noop', {}, { app, timeout: 30_000 });
        samples.push(performance.now() - started);
      }
    }),
  );
  samples.sort((a, b) => a - b);
  const at = (q: number): string =>
    (samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0).toFixed(2);
  return `request() latency, ${callers} concurrent caller(s), ${samples.length} requests: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`;
}

/**
 * JSON-RPC notifications over Redis streams, end to end (sent → dispatched → acknowledged),
 * against peers on the same embedded redis-server: a raw ioredis loop, BullMQ and
 * @moleculer/channels. One operation is one message; the harness keeps `concurrency` (default
 * 50 000) messages in flight. Before the cases run, `request()` round-trip latency is printed to
 * stderr (p50/p99 at 1 and 100 concurrent callers).
 */
export const streamsSuite = defineSuite({
  name: 'streams',
  description:
    'RedisStreamRPCClient.call → RedisListener → no-op (end to end) vs raw, BullMQ, moleculer channels',
  defaultConcurrency: 50_000,
  async setup() {
    const server = await startRedisServer({ args: ['--maxmemory-policy', 'noeviction'] });
    const closers: (() => Promise<void>)[] = [() => server.stop()];
    const close = async (): Promise<void> => {
      for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
    };
    try {
      const app = await startKeelApp(server, 'keel');
      closers.push(() => app.stop());
      const client = app.services.get(RedisStreamRPCClient);
      for (const [callers, total] of [
        [1, 2_000],
        [100, 20_000],
      ] as const) {
        await requestLatency(client, 'keel', callers, Math.min(500, total)); // warm-up
        process.stderr.write(`[streams] ${await requestLatency(client, 'keel', callers, total)}\n`);
      }
      const raw = await rawCase(server);
      closers.push(() => raw.close());
      const bullmq = await bullmqCase(server);
      closers.push(() => bullmq.close());
      const moleculer = await moleculerCase(server);
      closers.push(() => moleculer.close());
      const keel = keelCase(app);
      return {
        cases: [
          raw.benchCase,
          { ...keel, baseline: raw.benchCase.name },
          bullmq.benchCase,
          { ...keel, name: 'keel call() vs bullmq', baseline: bullmq.benchCase.name },
          moleculer.benchCase,
          { ...keel, name: 'keel call() vs moleculer', baseline: moleculer.benchCase.name },
        ],
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  },
});

/** Sends `count` notifications with `concurrency` in flight and waits until all are acknowledged. */
async function pump(app: App, completions: Completions, count: number, concurrency: number): Promise<void> {
  const client = app.services.get(RedisStreamRPCClient);
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < count) {
        sent += 1;
        const done = completions.ticket();
        await client.call('bench.noop', {});
        await done;
      }
    }),
  );
}

/** RSS and used heap in MB, after a full GC when node runs with `--expose-gc`. */
function memoryMb(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / 2 ** 20, heap: heapUsed / 2 ** 20 };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

/**
 * Memory of a long run: RSS of the process (client and listener in one process) after 100 000
 * and after 1 000 000 notifications end to end; the difference should stay under 50 MB. Prints
 * the figures to stderr during setup and measures nothing else (no cases). Takes about a
 * minute. Run node with `--expose-gc` for steadier figures.
 */
export const streamsMemorySuite = defineSuite({
  name: 'streams-memory',
  description: 'RSS after 1 000 000 vs after 100 000 stream notifications (printed to stderr)',
  async setup() {
    const server = await startRedisServer();
    try {
      const app = await startKeelApp(server, 'memory');
      try {
        const completions = new Completions();
        app.services.get(RedisListener).events.on('settled', (count) => {
          completions.complete(count);
        });
        const started = performance.now();
        await pump(app, completions, 100_000, 5_000);
        const at100k = memoryMb();
        await pump(app, completions, 900_000, 5_000);
        const at1m = memoryMb();
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(
          `[streams-memory] RSS after 100 000 messages: ${at100k.rss.toFixed(1)} MB; after 1 000 000: ` +
            `${at1m.rss.toFixed(1)} MB (${signed(at1m.rss - at100k.rss)} MB, limit +50 MB); used heap ` +
            `${at100k.heap.toFixed(1)} → ${at1m.heap.toFixed(1)} MB; ` +
            `${Math.round(1_000_000 / seconds).toLocaleString('en-US')} msg/s\n`,
        );
      } finally {
        await app.stop();
      }
    } finally {
      await server.stop();
    }
    return { cases: [], close: () => Promise.resolve() };
  },
});
