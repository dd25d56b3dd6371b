import { Cluster, Redis, type ClusterOptions, type DNSLookupFunction, type RedisOptions } from 'ioredis';
import type { ConnectionTarget } from './connection-target.js';
import { CoalescingStandaloneConnector, sentinelConnector } from './coalesce-writes.js';
import { createSentinelClient } from './sentinel-client.js';
import type { SentinelSwitchWatch } from './sentinel-switch-watch.js';

/** A connection made by the transport: a single-server client or a cluster client. */
export type RedisClient = Redis | Cluster;

/** Whether the client has finished its first connect; switches the retry policy. */
export interface ConnectPhase {
  connected: boolean;
}

/** How {@link createRedisClient} makes a connection. */
export interface ClientOptions {
  readonly connectTimeout: number;
  readonly phase: ConnectPhase;
  /** With Sentinel, `role: master`: the switches the connection follows. */
  readonly switches: SentinelSwitchWatch | undefined;
  /** Whether the connection sends a tick's commands in one write (`coalesce-writes.ts`). */
  readonly coalesceWrites: boolean;
}

/** Delay between reconnect attempts while init is still trying (until `connectTimeout`). */
function initRetryDelay(times: number): number {
  return Math.min(50 * 2 ** (times - 1), 500);
}

/** ioredis's default standalone reconnect policy: exponential from 50 ms, capped at 5 s, jittered. */
function runtimeRetryDelay(times: number): number {
  return Math.min(2 ** (times - 1) * 50, 5000) + Math.floor(Math.random() * 200);
}

/** ioredis's default cluster reconnect policy. */
function runtimeClusterRetryDelay(times: number): number {
  return Math.min(100 + times * 2, 2000);
}

const keepHostName: DNSLookupFunction = (address, callback) => {
  callback(null, address);
};

/**
 * Creates an unconnected (`lazyConnect`) client for `target`. RESP2 and no `CLIENT SETINFO`,
 * so the handshake is only AUTH, SELECT and CLIENT SETNAME (when named) plus the ready check,
 * which KeyDB and old Redis versions understand. A Sentinel target gets a client that asks the
 * sentinels for its server (see {@link createSentinelClient}); a primary one follows `switches`.
 */
export function createRedisClient(target: ConnectionTarget, options: ClientOptions): RedisClient {
  const { connectTimeout, phase, switches, coalesceWrites } = options;
  const common = {
    username: target.username,
    password: target.password,
    tls: target.tls,
    connectTimeout,
    connectionName: target.name,
    protocol: 2,
    disableClientInfo: true,
  } satisfies RedisOptions;
  if (target.cluster) {
    const options = {
      lazyConnect: true,
      clusterRetryStrategy: (times: number) =>
        phase.connected ? runtimeClusterRetryDelay(times) : initRetryDelay(times),
      redisOptions: coalesceWrites ? { ...common, Connector: CoalescingStandaloneConnector } : common,
      // TLS certificates name hosts, not the IPs ioredis would resolve them to.
      ...(target.tls === undefined ? {} : { dnsLookup: keepHostName }),
    } satisfies ClusterOptions;
    return new Cluster(
      target.seeds.map(({ host, port }) => ({ host, port })),
      options,
    );
  }
  if (target.sentinel !== undefined) {
    const Connector = switches?.Connector ?? sentinelConnector(coalesceWrites);
    return createSentinelClient(target.sentinel, common, target.db, initRetryDelay, phase, Connector);
  }
  const seed = target.seeds[0] ?? { host: 'localhost', port: 6379 };
  return new Redis({
    ...common,
    host: seed.host,
    port: seed.port,
    db: target.db,
    lazyConnect: true,
    retryStrategy: (times) => (phase.connected ? runtimeRetryDelay(times) : initRetryDelay(times)),
    ...(coalesceWrites ? { Connector: CoalescingStandaloneConnector } : {}),
  });
}
