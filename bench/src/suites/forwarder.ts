import { KeyspaceForwarder, RedisLocksService, RedisTransportService } from '@keel/redis';
import type { Redis } from 'ioredis';
import { redisTransportEntry, startBenchApp } from '../harness/bench-app.js';
import type { Cleanup } from '../harness/cleanup.js';
import { rawRedis, startBenchRedis } from '../harness/bench-redis.js';
import { KeyArrivals, onKeyspaceEvents } from '../harness/key-arrivals.js';
import { defineSuite } from '../harness/suite.js';

const VALUE = 'v'.repeat(64);
const KEEL_STREAM = 'bench:fwd:keel:stream';
const RAW_STREAM = 'bench:fwd:raw:stream';

/**
 * Reports to `arrivals` the key of every entry added to both streams from now on, with a
 * blocking `XREAD` loop on `reader` until `cleanup` disconnects it.
 */
function readArrivals(cleanup: Cleanup, reader: Redis, arrivals: KeyArrivals): void {
  let reading = true;
  const loop = (async () => {
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
  cleanup.add(async () => {
    reading = false;
    reader.disconnect();
    await loop.catch(() => undefined);
  });
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
  async setup(_, cleanup) {
    const server = await startBenchRedis(cleanup);
    const [producer, rawSubscriber, rawWriter, reader] = await Promise.all([
      rawRedis(cleanup, server, { enableAutoPipelining: true }),
      rawRedis(cleanup, server),
      rawRedis(cleanup, server, { enableAutoPipelining: true }),
      rawRedis(cleanup, server),
    ]);
    const app = await startBenchApp({
      cleanup,
      classes: [RedisTransportService, RedisLocksService, KeyspaceForwarder],
      services: [
        redisTransportEntry(server),
        { cls: 'RedisLocksService' },
        {
          cls: 'KeyspaceForwarder',
          settings: { events: '$', masks: ['^bench:fwd:keel:k'], stream: KEEL_STREAM },
        },
      ],
    });
    const forwarder = app.services.get(KeyspaceForwarder);
    const deadline = Date.now() + 10_000;
    while (!forwarder.isLeader && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await onKeyspaceEvents(rawSubscriber, 'bench:fwd:raw:k*', (key, event) => {
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
    const arrivals = new KeyArrivals((key) => producer.set(key, VALUE));
    readArrivals(cleanup, reader, arrivals);
    return [
      { name: 'ioredis psubscribe + XADD', op: () => arrivals.roundTrip('bench:fwd:raw:k') },
      {
        name: 'keel forwarder → stream',
        baseline: 'ioredis psubscribe + XADD',
        op: () => arrivals.roundTrip('bench:fwd:keel:k'),
      },
    ];
  },
});
