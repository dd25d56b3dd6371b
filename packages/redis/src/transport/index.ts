export * from './redis-transport-settings.js';
export * from './redis-transport-service.js';
export type { RedisClient } from './redis-client.js';
