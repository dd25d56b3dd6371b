/* The @keel/redis symbols test-utils builds on, in one place. */
export {
  findFreePort,
  startRedisServer,
  type RedisServerHandle,
  type RedisServerOptions,
  RedisTransportService,
  redisTransportSettings,
  type RedisClient,
  type RedisTransportSettings,
} from '@keel/redis';
