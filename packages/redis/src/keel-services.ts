import type { RegisteredServiceClass } from '@keel/core';
import { RedisCache } from './cache/redis-cache.js';
import { KeyspaceForwarder } from './forwarder/keyspace-forwarder.js';
import { RedisKeyspaceWatcher } from './keyspace/redis-keyspace-watcher.js';
import { RedisLocksService } from './locks/redis-locks-service.js';
import { RedisMapService } from './map/redis-map-service.js';
import { RedisPublisher } from './pubsub/redis-publisher.js';
import { RedisSubscriber } from './pubsub/redis-subscriber.js';
import { RedisListener } from './streams/redis-listener.js';
import { RedisStreamRPCClient } from './streams/redis-stream-rpc-client.js';
import { RedisTransportService } from './transport/redis-transport-service.js';

/** Service classes of @keel/redis, registered when the package is listed in `packages:`. */
export const keelServices: readonly RegisteredServiceClass[] = [
  RedisTransportService,
  RedisCache,
  RedisLocksService,
  RedisListener,
  RedisStreamRPCClient,
  RedisSubscriber,
  RedisPublisher,
  RedisKeyspaceWatcher,
  RedisMapService,
  KeyspaceForwarder,
];
