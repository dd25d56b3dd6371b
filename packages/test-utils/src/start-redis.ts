import { startRedisServer, type RedisServerHandle, type RedisServerOptions } from './keel-redis.js';

/** Options of {@link startRedis}: those of `startRedisServer` from @keel/redis. */
export type StartRedisOptions = RedisServerOptions;

/**
 * Starts a throwaway standalone `redis-server` on a free port (no persistence, killed if the
 * test process exits). Stop it with `handle.stop()`.
 */
export function startRedis(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  return startRedisServer(options);
}
