/* Starts several throwaway redis-server processes at once, all or none. */
import { startRedisServer, type RedisServerHandle, type RedisServerOptions } from './keel-redis.js';

/**
 * Starts one `redis-server` per entry of `options`, in parallel, and resolves with their handles
 * in the same order. When one fails to start, the others are stopped and its error is thrown.
 */
export async function startServers(options: readonly RedisServerOptions[]): Promise<RedisServerHandle[]> {
  const started = await Promise.allSettled(options.map((entry) => startRedisServer(entry)));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failed.reason;
  }
  return servers;
}
