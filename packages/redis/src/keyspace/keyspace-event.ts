import type { Cluster, Redis } from 'ioredis';
import type { KeyspaceEventClass } from './keyspace-flags.js';

/** One keyspace notification: `event` happened to `key` on `node`. */
export interface KeyspaceEvent {
  /** The key, decoded as UTF-8. */
  readonly key: string;
  /** The key as Redis sent it (for binary keys). */
  readonly keyBytes: Buffer;
  /** The event name: `set`, `hset`, `del`, `expired`, `lpush`… */
  readonly event: string;
  /** Its class (`$`, `h`, `g`, `x`…). */
  readonly eventClass: KeyspaceEventClass;
  readonly db: number;
  /** `host:port` of the node that published it (the one that executed the write). */
  readonly node: string;
  /** `Date.now()` when it was read from the socket. */
  readonly receivedAt: number;
}

/** Where keyspace events are read: an ioredis client, or anything holding one (a `RedisTransportService`). */
export type KeyspaceConnection = Redis | Cluster | { readonly client: Redis | Cluster };
