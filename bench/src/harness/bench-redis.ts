import { startRedisServer, type RedisServerHandle, type RedisServerOptions } from '@keel/redis';
import { Cluster, Redis } from 'ioredis';
import type { Cleanup } from './cleanup.js';

/** Where a redis-server listens. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** Starts an embedded redis-server, stopped by `cleanup`. */
export async function startBenchRedis(
  cleanup: Cleanup,
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const server = await startRedisServer(options);
  cleanup.add(() => server.stop());
  return server;
}

/** Options of {@link rawRedis}. */
export interface RawRedisOptions {
  /** ioredis auto-pipelining. @default false */
  readonly enableAutoPipelining?: boolean;
}

/**
 * A connected plain ioredis client of `server`, speaking RESP2 as the transport does, quit
 * (then disconnected) by `cleanup`.
 */
export async function rawRedis(
  cleanup: Cleanup,
  server: RedisAddress,
  { enableAutoPipelining = false }: RawRedisOptions = {},
): Promise<Redis> {
  const client = new Redis({
    host: server.host,
    port: server.port,
    protocol: 2,
    lazyConnect: true,
    enableAutoPipelining,
  });
  cleanup.add(() => quit(client));
  await client.connect();
  return client;
}

/** A connected plain ioredis cluster client of `seeds` (RESP2), quit (then disconnected) by `cleanup`. */
export async function rawCluster(cleanup: Cleanup, seeds: readonly RedisAddress[]): Promise<Cluster> {
  const client = new Cluster(
    seeds.map(({ host, port }) => ({ host, port })),
    { redisOptions: { protocol: 2 }, lazyConnect: true },
  );
  cleanup.add(() => quit(client));
  await client.connect();
  return client;
}

async function quit(client: Redis | Cluster): Promise<void> {
  await client.quit().catch(() => undefined);
  client.disconnect();
}
