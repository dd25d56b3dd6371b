/* The ioredis options of a connection found through Redis Sentinel, with its failover behaviour. */
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions, type SentinelConnector } from 'ioredis';
import type { ConnectorConstructor } from './coalesce-writes.js';
import type { SentinelTarget } from './sentinel-target.js';

/** The options every connection of the transport shares (TLS as Node options, never a named profile). */
export type SharedConnectionOptions = Pick<
  RedisOptions,
  'username' | 'password' | 'connectTimeout' | 'connectionName' | 'protocol' | 'disableClientInfo'
> & { readonly tls?: ConnectionOptions | undefined };

/** Reconnect delay after a lost connection: 50 ms doubling up to 1 s, jittered (a failover takes seconds). */
function reconnectDelay(times: number): number {
  return Math.min(2 ** (times - 1) * 50, 1000) + Math.floor(Math.random() * 100);
}

/** Delay before asking the sentinels again when none could be reached (or none knew the name). */
function sentinelRetryDelay(times: number): number {
  return Math.min(times * 100, 1000);
}

/** A replica as `SENTINEL REPLICAS` lists it (the part ioredis passes to `preferredSlaves`). */
interface ListedReplica {
  readonly ip: string;
  readonly port: string;
}

/**
 * Picks the same replica for every connection made with it (the client and its duplicates, which
 * share the function): the available replica ranked first by a hash of its address and a seed
 * drawn once per client. Another process draws another seed, so that clients spread over the
 * replicas while each one reads from a single replica (a keyspace watcher's subscriber and its
 * command connection see the same server).
 */
function preferredReplica(): (replicas: ListedReplica[]) => ListedReplica | null {
  const seed = Math.floor(Math.random() * 2 ** 31);
  const rank = (replica: ListedReplica): number => {
    let hash = seed;
    for (const char of `${replica.ip}:${replica.port}`)
      hash = Math.imul(hash ^ char.charCodeAt(0), 16_777_619);
    return hash >>> 0;
  };
  return (replicas) => [...replicas].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/** Replies of a server that is no longer the primary: reconnect (to the new one) and resend. */
const DEMOTED = /^READONLY\b/;

/**
 * Creates an unconnected (`lazyConnect`) client that asks `sentinel.sentinels` for the primary
 * (or a replica) of `sentinel.name`, on every connect and reconnect. It follows a failover:
 *
 * - `switches` (a primary connection): the transport's {@link SentinelSwitchWatch} drops the
 *   connection as soon as the sentinels switch to another server, and it reconnects to the new
 *   primary;
 * - a lost connection (the primary was killed) is retried every ≤ 1 s, asking the sentinels each
 *   time, until they name a promoted replica; commands wait in the offline queue meanwhile;
 * - a `READONLY` reply (the server was demoted under a connected client) reconnects and resends
 *   the command to the new primary;
 * - ioredis checks the role of every server it connects to (`INFO` before `ready`) and moves on
 *   when it is not the one asked for.
 */
export function createSentinelClient(
  sentinel: SentinelTarget,
  common: SharedConnectionOptions,
  db: number,
  initRetryDelay: (times: number) => number,
  /** `connected` turns true after the first connect (from then on, the runtime delays apply). */
  phase: { readonly connected: boolean },
  /** The ioredis connector (following the switches, coalescing writes); unset: ioredis's own. */
  Connector: ConnectorConstructor<SentinelConnector> | undefined,
): Redis {
  const master = sentinel.role === 'master';
  return new Redis({
    ...common,
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    role: master ? 'master' : 'slave',
    ...(sentinel.username === undefined ? {} : { sentinelUsername: sentinel.username }),
    ...(sentinel.password === undefined ? {} : { sentinelPassword: sentinel.password }),
    // TLS, when on, is used for the sentinels and the data nodes alike.
    ...(common.tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: common.tls }),
    ...(Connector === undefined ? {} : { Connector }),
    ...(master ? {} : { preferredSlaves: preferredReplica() }),
    db,
    lazyConnect: true,
    retryStrategy: (times) => (phase.connected ? reconnectDelay(times) : initRetryDelay(times)),
    sentinelRetryStrategy: (times) => (phase.connected ? sentinelRetryDelay(times) : initRetryDelay(times)),
    reconnectOnError: (error) => (master && DEMOTED.test(error.message) ? 2 : false),
  });
}
