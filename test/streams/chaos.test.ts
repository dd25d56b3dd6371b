import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../packages/test-utils/src/index.js';
import { deadLetterKey } from '../../packages/redis/src/streams/stream-keys.js';
import {
  ChaosWorkers,
  pendingOf,
  processedCount,
  produce,
  requireBuiltPackages,
  workerMetrics,
} from './chaos-harness.js';

/**
 * Consumers in separate processes (the built packages) against a throwaway redis-server:
 * SIGKILL of a consumer mid-stream, a Redis restart, a poison message, a deleted stream.
 * Every message is recorded as one bit of `chaos:seen`, so "none lost" is a BITCOUNT.
 */
const MESSAGES = 100_000;
const listener = { maxBatchSize: 100, maxParallelBatches: 4, maxWaitTimeMs: 200 };

let workers: ChaosWorkers;
beforeAll(() => {
  requireBuiltPackages();
  workers = new ChaosWorkers();
});
afterAll(async () => {
  await workers.dispose();
});

describeBoth(
  'stream chaos',
  (target) => {
    const start = (app: string, consumer: string, settings: Record<string, unknown> = {}) =>
      workers.start({
        host: target.server.host,
        port: target.server.port,
        app,
        consumer,
        listener: { ...listener, ...settings },
      });

    it(`loses none of ${MESSAGES} messages when one of two consumers is killed (SIGKILL) mid-stream`, async () => {
      await target.flush();
      const redis = target.client();
      const stream = 'chaos.kill._stream.rpc';
      const [w1] = await Promise.all([
        start('kill', 'w1', { pendingMessagesTimeMs: 1_000 }),
        start('kill', 'w2', { pendingMessagesTimeMs: 1_000 }),
      ]);
      const producing = produce(redis, stream, 0, MESSAGES);
      await waitUntil(async () => (await workerMetrics(redis, 'w1')).processed! >= 5_000, {
        what: 'w1 to be busy',
        interval: 20,
      });
      await w1.kill('SIGKILL');
      const orphaned = await pendingOf(redis, stream, 'kill', 'w1');
      await producing;
      await waitUntil(async () => (await processedCount(redis)) === MESSAGES, {
        timeout: 90_000,
        what: `all ${MESSAGES} messages to be processed`,
      });
      // The survivor claimed and acknowledged the dead consumer's pending entries.
      await waitUntil(async () => (await pendingOf(redis, stream, 'kill')) === 0, {
        what: 'nothing pending',
      });
      expect(await pendingOf(redis, stream, 'kill', 'w1')).toBe(0);
      const w2 = await workerMetrics(redis, 'w2');
      expect(w2.claimed).toBeGreaterThanOrEqual(orphaned);
      const duplicates = Number((await redis.get('chaos:duplicates')) ?? 0);
      // At least once: only what w1 had read but not acknowledged may run twice.
      expect(duplicates).toBeLessThanOrEqual(orphaned);
      console.log(
        `[chaos] ${MESSAGES} messages, w1 killed with ${orphaned} pending; w2 claimed ${w2.claimed}; ${duplicates} ran twice`,
      );
    });

    it('dead-letters a poison message after maxDeliveries and processes everything else', async () => {
      await target.flush();
      const redis = target.client();
      const stream = 'chaos.poison._stream.rpc';
      const count = 5_000;
      const poison = new Set([10, 2_500, 4_999]);
      await start('poison', 'p1', { pendingMessagesTimeMs: 300, maxDeliveries: 3 });
      await produce(redis, stream, 0, count, (i) => (poison.has(i) ? 'chaos.poison' : 'chaos.record'));
      await waitUntil(async () => (await redis.xlen(deadLetterKey(stream))) === poison.size, {
        what: 'the poison messages in the dead-letter stream',
      });
      expect(await processedCount(redis)).toBe(count - poison.size);
      for (const i of poison) expect(await redis.getbit('chaos:seen', i)).toBe(0);
      const dead = await redis.xrange(deadLetterKey(stream), '-', '+');
      for (const [, fields] of dead) {
        const map = new Map<string, string>();
        for (let k = 0; k + 1 < fields.length; k += 2) map.set(fields[k]!, fields[k + 1]!);
        expect(map.get('_deliveries')).toBe('3');
        expect(JSON.parse(map.get('_error') ?? '{}')).toMatchObject({ code: -32603 });
      }
      await waitUntil(async () => (await pendingOf(redis, stream, 'poison')) === 0, {
        what: 'nothing pending',
      });
    });

    it('recreates a deleted stream while listening, with a bounded error rate', async () => {
      await target.flush();
      const redis = target.client();
      const stream = 'chaos.deleted._stream.rpc';
      await start('deleted', 'd1', { maxWaitTimeMs: 100 });
      const began = Date.now();
      let next = 0;
      for (let round = 0; round < 5; round++) {
        await produce(redis, stream, next, next + 500);
        next += 500;
        await sleep(100);
        await redis.del(stream);
        await sleep(200);
      }
      // Everything sent after the last deletion is processed.
      const after = next;
      await produce(redis, stream, after, after + 2_000);
      await waitUntil(
        async () => {
          const pipeline = redis.pipeline();
          for (let i = after; i < after + 2_000; i++) pipeline.getbit('chaos:seen', i);
          const bits = (await pipeline.exec()) ?? [];
          return bits.every(([, bit]) => bit === 1);
        },
        { what: 'the messages sent after the last deletion' },
      );
      const seconds = (Date.now() - began) / 1000;
      await sleep(300); // let the worker store its final metrics
      const { errors } = await workerMetrics(redis, 'd1');
      console.log(`[chaos] stream deleted 5 times in ${seconds.toFixed(1)} s: ${errors} listener errors`);
      expect(errors).toBeGreaterThan(0);
      expect(errors! / seconds).toBeLessThan(20);
    });
  },
  { modes: ['standalone'] },
);

describeBoth(
  'stream chaos with a Redis restart',
  (target) => {
    it('reconnects after Redis restarts mid-stream and finishes', async () => {
      await target.flush();
      const redis = target.client();
      const stream = 'chaos.restart._stream.rpc';
      const count = 20_000;
      await workers.start({
        host: target.server.host,
        port: target.server.port,
        app: 'restart',
        consumer: 'r1',
        listener: { ...listener, pendingMessagesTimeMs: 2_000 },
      });
      await produce(redis, stream, 0, count);
      await waitUntil(async () => (await processedCount(redis)) >= count / 4, { interval: 20 });
      await target.server.restart();
      await waitUntil(async () => (await processedCount(redis)) === count, {
        timeout: 60_000,
        what: 'every message after the restart',
      });
      await waitUntil(async () => (await pendingOf(redis, stream, 'restart')) === 0, {
        what: 'nothing pending',
      });
    });
  },
  { modes: ['standalone'], args: ['--appendonly', 'yes', '--appendfsync', 'always'] },
);
