import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { type App, JSONRPCServer, type RpcService, Scope, Service } from '@keel/core';
import {
  type RedisServerHandle,
  RedisListener,
  RedisStreamRPCClient,
  RedisTransportService,
} from '@keel/redis';
import { Queue, Worker } from 'bullmq';
import { redisTransportEntry, startBenchApp } from '../harness/bench-app.js';
import type { Cleanup } from '../harness/cleanup.js';
import { rawRedis, startBenchRedis } from '../harness/bench-redis.js';
import type { BenchCase } from '../harness/suite.js';
import { streamsTelemetryRows } from './streams-telemetry.js';
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

/**
 * A case whose operations issued in one tick are handed to `flush` as one batch (for bulk
 * producers): an operation completes once `completions` counts its message done.
 */
function tickBatchedCase(name: string, completions: Completions, flush: (count: number) => void): BenchCase {
  let pending = 0;
  return {
    name,
    op: () => {
      const done = completions.ticket();
      pending += 1;
      if (pending === 1) {
        process.nextTick(() => {
          const count = pending;
          pending = 0;
          flush(count);
        });
      }
      return done;
    },
  };
}

/** Calls of `bench.counted` that have run (the callMultiple case counts calls, not messages). */
const countedCalls = new Completions();

/** The methods the stream cases call: `bench.noop`, and `bench.counted`, which counts its runs. */
class BenchService extends Service implements RpcService {
  get routes() {
    return {
      noop: () => null,
      counted: () => {
        countedCalls.complete(1);
        return null;
      },
    };
  }

  get permissions() {
    return { '*': Scope.GUEST };
  }
}

/** A started keel app (stopped by `cleanup`): the no-op method behind a listener, and a stream client. */
function startKeelApp(cleanup: Cleanup, server: RedisServerHandle, name: string, app?: object): Promise<App> {
  return startBenchApp({
    cleanup,
    name,
    ...(app === undefined ? {} : { app }),
    classes: [RedisTransportService, JSONRPCServer, BenchService, RedisListener, RedisStreamRPCClient],
    services: [
      redisTransportEntry(server, 'redis'),
      { cls: 'JSONRPCServer', name: 'rpc', settings: { maxParallelTasks: 1024 } },
      { cls: 'BenchService', name: 'bench' },
      {
        cls: 'RedisListener',
        name: 'listener',
        settings: { maxBatchSize: BATCH, maxParallelBatches: 4, maxWaitTimeMs: 100 },
      },
      { cls: 'RedisStreamRPCClient', name: 'client' },
    ],
  });
}

/** An operation that sends one message with `send`, done once `completions` counts one more message done. */
function sendAndSettle(completions: Completions, send: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    const done = completions.ticket();
    await send();
    await done;
  };
}

/** One keel operation: `RedisStreamRPCClient.call` of the no-op, done when the listener settled a message. */
function keelCall(app: App): () => Promise<void> {
  const completions = new Completions();
  app.services.get(RedisListener).events.on('settled', (count) => {
    completions.complete(count);
  });
  const client = app.services.get(RedisStreamRPCClient);
  return sendAndSettle(completions, () => client.call('bench.noop', {}));
}

/** Calls per `callMultiple` message in the pipelined batch case. */
const CALLS_PER_MESSAGE = 100;

/**
 * Pipelined `callMultiple`: the calls issued in one tick go out as messages of up to
 * {@link CALLS_PER_MESSAGE} calls each; one operation is one call, done when its handler has run.
 */
function keelCallMultiple(app: App): BenchCase {
  const client = app.services.get(RedisStreamRPCClient);
  return tickBatchedCase(`keel callMultiple (${CALLS_PER_MESSAGE} calls/message)`, countedCalls, (count) => {
    for (let sent = 0; sent < count; sent += CALLS_PER_MESSAGE) {
      const size = Math.min(CALLS_PER_MESSAGE, count - sent);
      void client.callMultiple(Array.from({ length: size }, () => ({ method: 'bench.counted', params: {} })));
    }
  });
}

/** The raw loop: pipelined XADD of a msgpack-sized payload; one consumer doing XREADGROUP COUNT 100 + XACK. */
async function rawCase(cleanup: Cleanup, server: RedisServerHandle): Promise<BenchCase> {
  const [producer, consumer, acker] = await Promise.all([
    rawRedis(cleanup, server),
    rawRedis(cleanup, server),
    rawRedis(cleanup, server),
  ]);
  const stream = 'bench.raw';
  await producer.xgroup('CREATE', stream, 'g', '0', 'MKSTREAM');
  const completions = new Completions();
  const payload = Buffer.from([0x92, 0x92, 0xaa, ...Buffer.from('bench.noop'), 0x80, 0x80]);
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
  cleanup.add(async () => {
    state.running = false;
    await loop;
  });
  return tickBatchedCase('raw XADD/XREADGROUP/XACK', completions, (count) => {
    const pipeline = producer.pipeline();
    for (let i = 0; i < count; i++) pipeline.xadd(stream, '*', '_', payload);
    void pipeline.exec();
  });
}

/** BullMQ: Queue.addBulk of the operations of one tick; a Worker with concurrency 100, no-op processor. */
async function bullmqCase(cleanup: Cleanup, server: RedisServerHandle): Promise<BenchCase> {
  const connection = { host: server.host, port: server.port, maxRetriesPerRequest: null };
  const queue = new Queue('bench', { connection });
  cleanup.add(() => queue.close());
  const completions = new Completions();
  const worker = new Worker('bench', () => Promise.resolve(null), { connection, concurrency: 100 });
  cleanup.add(() => worker.close());
  worker.on('completed', () => {
    completions.complete(1);
  });
  await worker.waitUntilReady();
  return tickBatchedCase('bullmq addBulk + Worker', completions, (count) => {
    void queue.addBulk(
      Array.from({ length: count }, () => ({
        name: 'noop',
        data: {},
        opts: { removeOnComplete: true, removeOnFail: true },
      })),
    );
  });
}

/** @moleculer/channels, Redis adapter, maxInFlight 100, counted when the handler returned. */
async function moleculerCase(cleanup: Cleanup, server: RedisServerHandle): Promise<BenchCase> {
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
  cleanup.add(() => broker.stop());
  return {
    name: 'moleculer channels',
    op: sendAndSettle(completions, () => broker.sendToChannel('bench.noop', {})),
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
    'RedisStreamRPCClient.call/callMultiple → RedisListener → no-op (end to end) vs raw, BullMQ, moleculer channels',
  defaultConcurrency: 50_000,
  async setup(_, cleanup) {
    const server = await startBenchRedis(cleanup, { args: ['--maxmemory-policy', 'noeviction'] });
    const app = await startKeelApp(cleanup, server, 'keel');
    const client = app.services.get(RedisStreamRPCClient);
    for (const [callers, total] of [
      [1, 2_000],
      [100, 20_000],
    ] as const) {
      await requestLatency(client, 'keel', callers, Math.min(500, total)); // warm-up
      process.stderr.write(`[streams] ${await requestLatency(client, 'keel', callers, total)}\n`);
    }
    const raw = await rawCase(cleanup, server);
    const bullmq = await bullmqCase(cleanup, server);
    const moleculer = await moleculerCase(cleanup, server);
    const telemetry = await streamsTelemetryRows(cleanup, {
      start: (name, settings) => startKeelApp(cleanup, server, name, settings),
      operation: keelCall,
    });
    const keel = { name: 'keel call()', op: keelCall(app) };
    const cases: BenchCase[] = [
      raw,
      { ...keel, baseline: raw.name },
      { ...keelCallMultiple(app), baseline: raw.name },
      bullmq,
      { ...keel, name: 'keel call() vs bullmq', baseline: bullmq.name },
      moleculer,
      { ...keel, name: 'keel call() vs moleculer', baseline: moleculer.name },
    ];
    return [...cases.map((c) => ({ ...c, op: telemetry.untraced(c.op) })), ...telemetry.rows];
  },
});

/** Runs `count` operations `op` with `concurrency` in flight. */
async function pump(op: () => Promise<void>, count: number, concurrency: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < count) {
        sent += 1;
        await op();
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
  async setup(_, cleanup) {
    const server = await startBenchRedis(cleanup);
    const app = await startKeelApp(cleanup, server, 'memory');
    const call = keelCall(app);
    const started = performance.now();
    await pump(call, 100_000, 5_000);
    const at100k = memoryMb();
    await pump(call, 900_000, 5_000);
    const at1m = memoryMb();
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `[streams-memory] RSS after 100 000 messages: ${at100k.rss.toFixed(1)} MB; after 1 000 000: ` +
        `${at1m.rss.toFixed(1)} MB (${signed(at1m.rss - at100k.rss)} MB, limit +50 MB); used heap ` +
        `${at100k.heap.toFixed(1)} → ${at1m.heap.toFixed(1)} MB; ` +
        `${Math.round(1_000_000 / seconds).toLocaleString('en-US')} msg/s\n`,
    );
    return [];
  },
});
