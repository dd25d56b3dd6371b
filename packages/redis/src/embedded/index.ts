export { findFreePort, type FindFreePortOptions } from './free-port.js';
export type { RedisServerOptions } from './redis-server-options.js';
export { startRedisServer, type RedisServerHandle } from './start-redis-server.js';
