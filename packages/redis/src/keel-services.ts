import type { RegisteredServiceClass } from '@keel/core';
import { RedisLocksService } from './locks/redis-locks-service.js';
import { RedisTransportService } from './transport/redis-transport-service.js';

/** Service classes of @keel/redis, registered when the package is listed in `packages:`. */
export const keelServices: readonly RegisteredServiceClass[] = [RedisTransportService, RedisLocksService];
