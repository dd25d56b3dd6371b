import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisListener } from '../../src/streams/redis-listener.js';
import { RedisStreamRPCClient } from '../../src/streams/redis-stream-rpc-client.js';
import { encodeStreamMessage, MESSAGE_FIELD } from '../../src/streams/wire-format.js';
import { appName, probeOf, startApp, stopApps } from './fixtures.js';

const MESSAGES = 20_000;

describeBoth(
  'RedisListener through a Sentinel failover (kill -9 of the primary)',
  (target) => {
    afterEach(async () => {
      await stopApps();
      await target.sentinel.restore();
    });

    it(`loses none of ${MESSAGES} messages in flight, and counts the ones it runs twice`, async () => {
      const name = appName('failover');
      const stream = `test.${name}._stream.rpc`;
      const client = target.client();
      for (let from = 0; from < MESSAGES; from += 2_000) {
        const pipeline = client.pipeline();
        for (let i = from; i < from + 2_000; i++) {
          pipeline.xadd(stream, '*', MESSAGE_FIELD, encodeStreamMessage(['ext.record', { i }]));
        }
        await pipeline.exec();
      }
      // Every message reached both replicas: what is at stake is the listener's own work
      // (reads, acknowledgements), not messages the dead primary alone had.
      expect(await client.call('WAIT', 2, 10_000)).toBe(2);
      const caller = await startApp(target, { listener: false, ext: false });
      const rpc = caller.services.get(RedisStreamRPCClient);
      const app = await startApp(target, {
        name,
        // no claiming: only re-reading its own pending entries after the switch recovers them
        listener: { scope: 'USER', maxBatchSize: 100, maxParallelBatches: 4, pendingMessagesTimeMs: null },
      });
      const listener = app.services.get(RedisListener);
      const probe = probeOf(name);
      await waitUntil(() => probe.runs.size >= MESSAGES / 4, { interval: 5, what: 'a quarter processed' });
      const before = probe.runs.size;
      const { killed, primary } = await target.sentinel.killPrimary();
      // the client follows too: a request made now is written, run and answered on the new primary
      await expect(rpc.request('ext.double', { value: 21 }, { app: name, timeout: 30_000 })).resolves.toBe(
        42,
      );
      await waitUntil(() => probe.runs.size === MESSAGES, {
        timeout: 90_000,
        what: `all ${MESSAGES} messages processed after the failover`,
      });
      await waitUntil(async () => ((await client.xpending(stream, listener.group)) as [number])[0] === 0, {
        what: 'nothing pending on the new primary',
      });
      const runs = [...probe.runs.values()].reduce((sum, count) => sum + count, 0);
      const duplicates = runs - MESSAGES;
      expect(before).toBeLessThan(MESSAGES); // killed mid-stream
      expect(probe.overlaps).toBe(0); // never run twice at once here
      expect(duplicates).toBeGreaterThanOrEqual(0);
      console.log(
        `[sentinel listener] ${MESSAGES} messages, primary ${killed.port} killed after ${before} ` +
          `(promoted ${primary.port}); ${duplicates} ran twice; listener errors ${listener.metrics.errors}`,
      );
    }, 120_000);
  },
  { modes: ['sentinel'] },
);
