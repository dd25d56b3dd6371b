import type { App } from '@keel/core';
import { encodeValue, keySlot, RedisCache, RedisTransportService, struct } from '@keel/redis';
import { startCluster } from '@keel/test-utils';
import type { Cluster } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import typia, { type tags } from 'typia';
import { startBenchApp } from '../harness/bench-app.js';
import type { Cleanup } from '../harness/cleanup.js';
import { rawCluster, rawRedis, startBenchRedis } from '../harness/bench-redis.js';
import type { BenchCase } from '../harness/suite.js';
import { defineSuite } from '../harness/suite.js';

/** The 5-field struct of the get/set cases. */
interface User {
  id: string & tags.Format<'uuid'>;
  name: string;
  email: string & tags.Format<'email'>;
  age: number & tags.Type<'uint32'>;
  createdAt: Date;
}

const UserType = struct(typia.createValidate<User>(), typia.reflect.schema<User>());

const USER: User = {
  id: '0b6f3a52-8c4e-4c1d-9d57-2f1e0c9a7b31',
  name: 'Alice Smith',
  email: 'alice@example.com',
  age: 34,
  createdAt: new Date('2024-03-05T10:20:30.456Z'),
};

/** Keys the get/set cases cycle through. */
const KEYS = 1000;
/** Keys of one cluster `mget`. */
const MGET_KEYS = 1000;
/** mget calls in flight per case, whatever the harness concurrency (each is 1000 keys). */
const MGET_IN_FLIGHT = 8;

/** A started App (stopped by `cleanup`) with a transport (these settings) and a RedisCache on it. */
function startCacheApp(cleanup: Cleanup, transport: object): Promise<App> {
  return startBenchApp({
    cleanup,
    classes: [RedisTransportService, RedisCache],
    services: [{ cls: 'RedisTransportService', settings: transport }, { cls: 'RedisCache' }],
  });
}

/** Limits calls of `op` in flight to `limit`; the rest queue. */
function gated(limit: number, op: () => Promise<unknown>): () => Promise<unknown> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async () => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await op();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * The hand-written alternative to `cache.mget` in a cluster: keys grouped per slot, one MGET per
 * slot, the MGETs of the slots a node serves in one pipeline per node, replies put back in order.
 */
async function perSlotMget(cluster: Cluster, keys: readonly string[]): Promise<unknown[]> {
  const bySlot = new Map<number, number[]>();
  keys.forEach((key, index) => {
    const slot = keySlot(key);
    const positions = bySlot.get(slot);
    if (positions === undefined) bySlot.set(slot, [index]);
    else positions.push(index);
  });
  const byNode = new Map<string, number[][]>();
  for (const [slot, positions] of bySlot) {
    const node = cluster.slots[slot]?.join(';') ?? String(slot);
    const groups = byNode.get(node);
    if (groups === undefined) byNode.set(node, [positions]);
    else groups.push(positions);
  }
  const values = new Array<unknown>(keys.length);
  await Promise.all(
    [...byNode.values()].map(async (groups) => {
      const pipeline = cluster.pipeline();
      for (const positions of groups) pipeline.mgetBuffer(...positions.map((index) => keys[index]!));
      const replies = (await pipeline.exec())!;
      groups.forEach((positions, g) => {
        const [error, buffers] = replies[g]!;
        if (error !== null) throw error;
        positions.forEach((index, i) => {
          const bytes = (buffers as (Buffer | null)[])[i];
          values[index] = bytes === null || bytes === undefined ? null : unpack(bytes);
        });
      });
    }),
  );
  return values;
}

/**
 * RedisCache against plain ioredis + msgpackr, on one embedded redis-server: `get` and `set` of
 * a 5-field struct validated by typia (the cache stores it positionally; ioredis stores
 * `pack(user)`), with ioredis's auto-pipelining as a second peer of the set; and on a 6-node cluster, `mget` of 1000 keys in many slots against a
 * hand-written per-slot pipeline. Prints the struct's encoded size against JSON.stringify.
 */
export const cacheSuite = defineSuite({
  name: 'cache',
  description:
    'RedisCache get/set of a validated struct vs ioredis+msgpackr; cluster mget vs a per-slot pipeline',
  defaultConcurrency: 100,
  async setup(_, cleanup) {
    const structBytes = encodeValue(USER, UserType).length;
    const jsonBytes = Buffer.byteLength(JSON.stringify(USER));
    process.stderr.write(
      `[cache] struct encoding: ${structBytes} bytes; JSON.stringify: ${jsonBytes} bytes ` +
        `(${(structBytes / jsonBytes).toFixed(2)}x); msgpack map (pack): ${pack(USER).length} bytes\n`,
    );

    const server = await startBenchRedis(cleanup);
    const app = await startCacheApp(cleanup, { host: server.host, port: server.port });
    const cache = app.services.get(RedisCache);
    const raw = await rawRedis(cleanup, server);
    // ioredis's own answer to one write per command: a peer for the transport's coalesced writes
    const autoPipelined = await rawRedis(cleanup, server, { enableAutoPipelining: true });

    const seed = raw.pipeline();
    for (let i = 0; i < KEYS; i++) seed.set(`bench:raw:${i}`, pack(USER));
    await seed.exec();
    await cache.mset(
      Array.from({ length: KEYS }, (_, i) => [`bench:keel:${i}`, USER] as const),
      { type: UserType },
    );

    process.stderr.write('[cache] starting a 6-node cluster for the mget cases\n');
    const cluster = await startCluster();
    cleanup.add(() => cluster.stop());
    const [seedNode] = cluster.seeds;
    if (seedNode === undefined) throw new Error('the cluster has no nodes');
    const clusterApp = await startCacheApp(cleanup, {
      cluster: true,
      host: seedNode.host,
      port: seedNode.port,
      nodes: cluster.seeds.map(({ host, port }) => ({ host, port })),
    });
    const clusterCache = clusterApp.services.get(RedisCache);
    const rawClusterClient = await rawCluster(cleanup, cluster.seeds);
    const mgetKeys = Array.from({ length: MGET_KEYS }, (_, i) => `bench:mget:${i}`);
    await clusterCache.mset(mgetKeys.map((key, i) => [key, { n: i, label: `item ${i}` }] as const));
    const slots = new Set(mgetKeys.map(keySlot)).size;
    process.stderr.write(`[cache] mget: ${MGET_KEYS} keys in ${slots} slots\n`);

    let next = 0;
    const index = (): number => (next = (next + 1) % KEYS);
    // Case order matters: the harness runs the cases in a rotating order, and a case pays for
    // the garbage the case before it left. The two mget cases (much garbage) therefore never
    // follow each other; each follows a get/set case.
    const cases: BenchCase[] = [
      {
        name: 'ioredis getBuffer+unpack',
        op: async (): Promise<unknown> => unpack((await raw.getBuffer(`bench:raw:${index()}`))!) as unknown,
      },
      {
        name: 'keel get(User)',
        baseline: 'ioredis getBuffer+unpack',
        op: () => cache.get(`bench:keel:${index()}`, UserType),
      },
      {
        name: 'per-slot pipeline mget x1000',
        op: gated(MGET_IN_FLIGHT, () => perSlotMget(rawClusterClient, mgetKeys)),
      },
      { name: 'ioredis set+pack', op: () => raw.set(`bench:raw:${index()}`, pack(USER)) },
      {
        name: 'ioredis autopipelined set+pack',
        baseline: 'ioredis set+pack',
        op: () => autoPipelined.set(`bench:raw:${index()}`, pack(USER)),
      },
      {
        name: 'keel set(User)',
        baseline: 'ioredis set+pack',
        op: () => cache.set(`bench:keel:${index()}`, USER, { type: UserType }),
      },
      {
        name: 'keel cluster mget x1000',
        baseline: 'per-slot pipeline mget x1000',
        op: gated(MGET_IN_FLIGHT, () => clusterCache.mget(mgetKeys)),
      },
    ];
    return cases;
  },
});
