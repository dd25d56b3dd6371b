// keyspaceClientOf: the ioredis client inside a KeyspaceConnection.
import { Cluster, Redis } from 'ioredis';
import type { KeyspaceConnection } from './keyspace-event.js';

/** The ioredis client inside a {@link KeyspaceConnection}. */
export function keyspaceClientOf(connection: KeyspaceConnection): Redis | Cluster {
  return connection instanceof Redis || connection instanceof Cluster ? connection : connection.client;
}
