import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { KeelError, Service, type ServiceHealth } from '@keel/core';
import { Redis, type ChainableCommander } from 'ioredis';
import { closeClient } from './close-client.js';
import { sentinelConnector } from './coalesce-writes.js';
import { connectClient, ConnectFailure } from './connect-client.js';
import {
  describeTarget,
  formatHostPort,
  resolveConnectionTarget,
  type ConnectionTarget,
} from './connection-target.js';
import { createRedisClient, type ConnectPhase, type RedisClient } from './redis-client.js';
import { probeSeeds } from './probe-seeds.js';
import { redisTransportSettings, type RedisTransportSettings } from './redis-transport-settings.js';
import { scrubError, scrubSecrets } from './scrub-secrets.js';
import { SentinelSwitchWatch } from './sentinel-switch-watch.js';
import { serverAddressOf } from './server-address.js';
import { TransportPrometheus } from './transport-prometheus.js';
import { within } from '../util/within.js';

/** What a {@link RedisTransportService} reports on its `events`. */
export interface RedisTransportEvents {
  /**
   * The shared client reconnected to another server than before: a Sentinel failover (or, for
   * `role: replica`, another replica). `from` and `to` are `host:port`.
   */
  switched: [{ from: string; to: string }];
}

/** Bound on `QUIT` per connection at close, in ms. */
const QUIT_TIMEOUT_MS = 2000;
/** Bound on the TCP check of cluster seeds that explains a failed cluster connect, in ms. */
const SEED_PROBE_TIMEOUT_MS = 1000;

/**
 * The Redis connection of an app: one ioredis client (a `Redis`, or a `Cluster` when
 * `cluster: true`) shared by the other Redis services, plus duplicates for blocking reads.
 *
 * With `sentinels`, every connection (the shared client and each duplicate) asks Redis
 * Sentinel for the current primary (or a replica, `role: replica`) and follows failovers
 * (see docs/transport.md).
 *
 * `init` connects and checks the server with `PING` within `connectTimeout`, or fails with
 * `REDIS_CONNECT_FAILED` naming the host and port (or the cluster seeds, or the sentinels) and
 * the cause. After that, lost connections are retried by ioredis (exponential backoff up to 5 s,
 * 1 s with Sentinel; a cluster re-discovers its nodes) and commands wait in ioredis's offline
 * queue meanwhile. Passwords never appear in logs or errors.
 */
export class RedisTransportService extends Service<RedisTransportSettings> {
  static override settingsSpec = redisTransportSettings;

  /** `switched` when the shared client lands on another server after a reconnect. */
  readonly events: EventEmitter<RedisTransportEvents> = new EventEmitter<RedisTransportEvents>();

  #client: RedisClient | undefined;
  #target: ConnectionTarget | undefined;
  /** With Sentinel (`role: master`): the `+switch-master` subscription every connection follows. */
  #switches: SentinelSwitchWatch | undefined;
  readonly #owned = new Set<RedisClient>();
  #closing = false;
  readonly #metrics = new TransportPrometheus(this.metricsSink, {
    client: () => (this.#closing ? undefined : this.#client),
    connections: () => this.#owned.size,
  });

  /** The shared ioredis client. Throws `REDIS_NOT_CONNECTED` before `init` and after `close`. */
  get client(): RedisClient {
    return this.#requireClient();
  }

  /** True in cluster mode (`client` is an ioredis `Cluster`). */
  get isCluster(): boolean {
    return this.settings.cluster;
  }

  /** True when the servers are found through Redis Sentinel (`sentinels`, or a `redis+sentinel://` url). */
  get isSentinel(): boolean {
    return (this.#target ?? this.#resolveTarget()).sentinel !== undefined;
  }

  /** `replica` for a Sentinel transport with `role: replica` (read-only), else `master`. */
  get role(): 'master' | 'replica' {
    return (this.#target ?? this.#resolveTarget()).sentinel?.role ?? 'master';
  }

  /** `host:port` of the server the shared client is connected to now (undefined while it is not). */
  get serverAddress(): string | undefined {
    const client = this.#client;
    return client instanceof Redis ? serverAddressOf(client) : undefined;
  }

  /** The `tracking` setting: whether services should use client-side caching. */
  get tracking(): boolean {
    return this.settings.tracking;
  }

  override async init(signal: AbortSignal): Promise<void> {
    if (this.#client !== undefined) return;
    this.#closing = false;
    const target = this.#resolveTarget();
    this.#target = target;
    if (target.sentinel?.role === 'master') {
      this.#switches = new SentinelSwitchWatch(
        target.sentinel,
        target.tls,
        this.logger,
        target.name,
        sentinelConnector(this.settings.coalesceWrites),
      );
      this.#switches.start();
    }
    let client: RedisClient;
    try {
      client = await this.#connect(target, signal);
    } catch (error) {
      this.#closeSwitches();
      throw error;
    }
    this.#client = client;
    if (target.sentinel !== undefined && client instanceof Redis) this.#followSwitches(client);
    this.logger.info(
      {
        mode: target.cluster ? 'cluster' : target.sentinel === undefined ? 'standalone' : 'sentinel',
        seeds: target.seeds.map(formatHostPort),
        db: target.db,
        ...(target.sentinel === undefined
          ? {}
          : { server: serverAddressOf(client as Redis), role: target.sentinel.role }),
      },
      `connected to ${describeTarget(target)}`,
    );
  }

  /** A pipeline on the shared client (commands are sent on `exec()`). */
  pipeline(): ChainableCommander {
    return this.client.pipeline();
  }

  /**
   * A new connected client with the same settings, for blocking commands (`XREADGROUP BLOCK`,
   * `BLPOP`, `SUBSCRIBE`) that would stall the shared one. It is owned by the service and closed
   * with it; `quit()` it earlier when done.
   */
  async duplicate(): Promise<RedisClient> {
    this.#requireClient();
    return this.#connect(this.#target ?? this.#resolveTarget());
  }

  /** The master nodes: every master's client in cluster mode, else `[client]` (with Sentinel: the primary's). */
  masters(): Redis[] {
    const client = this.client;
    return client instanceof Redis ? [client] : client.nodes('master');
  }

  /** Sends `PING` and resolves with the round trip in ms. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.client.ping();
    return performance.now() - started;
  }

  override async health(): Promise<ServiceHealth> {
    const client = this.#client;
    if (client === undefined || this.#closing) {
      return { healthy: false, details: { status: 'not connected' } };
    }
    try {
      const latencyMs = await within(this.ping(), this.settings.connectTimeout);
      return {
        healthy: true,
        details: { status: client.status, latencyMs: Math.round(latencyMs * 1000) / 1000 },
      };
    } catch (error) {
      return { healthy: false, details: { status: client.status, error: this.#scrub(error).message } };
    }
  }

  /** Quits every connection (duplicates first), bounded, and leaves no open handles. */
  override async close(): Promise<void> {
    this.#closing = true;
    const main = this.#client;
    const duplicates = [...this.#owned].filter((client) => client !== main);
    await Promise.all(duplicates.map((client) => closeClient(client, QUIT_TIMEOUT_MS)));
    if (main !== undefined) await closeClient(main, QUIT_TIMEOUT_MS);
    this.#closeSwitches();
    this.#owned.clear();
    this.#client = undefined;
  }

  #closeSwitches(): void {
    this.#switches?.close();
    this.#switches = undefined;
  }

  #requireClient(): RedisClient {
    if (this.#client === undefined || this.#closing) {
      throw new KeelError(
        'REDIS_NOT_CONNECTED',
        `RedisTransportService "${this.name}" is not connected (used before init or after close)`,
        { details: { service: this.name } },
      );
    }
    return this.#client;
  }

  #resolveTarget(): ConnectionTarget {
    return resolveConnectionTarget(this.settings);
  }

  /** Creates, registers and connects one client; on failure it is closed and a KeelError thrown. */
  async #connect(target: ConnectionTarget, signal?: AbortSignal): Promise<RedisClient> {
    const phase: ConnectPhase = { connected: false };
    const client = createRedisClient(target, {
      connectTimeout: this.settings.connectTimeout,
      phase,
      switches: this.#switches,
      coalesceWrites: this.settings.coalesceWrites,
    });
    this.#owned.add(client);
    client.once('end', () => this.#owned.delete(client));
    this.#watch(client, phase);
    this.#metrics.watch(client);
    try {
      await connectClient(client, this.settings.connectTimeout, signal);
      phase.connected = true;
      return client;
    } catch (error) {
      this.#owned.delete(client);
      client.disconnect();
      let hint: string | undefined;
      if (target.cluster && error instanceof ConnectFailure && !error.specific) {
        hint = await probeSeeds(target.seeds, SEED_PROBE_TIMEOUT_MS);
      }
      throw this.#connectError(target, error, hint);
    }
  }

  /** Logs and reports (`switched`) when the shared client reconnects to another server. */
  #followSwitches(client: Redis): void {
    let current = serverAddressOf(client);
    client.on('ready', () => {
      const next = serverAddressOf(client);
      if (next === undefined || next === current) return;
      const from = current ?? 'unknown';
      current = next;
      this.logger.warn({ from, to: next }, `Redis Sentinel switched this transport from ${from} to ${next}`);
      this.events.emit('switched', { from, to: next });
    });
  }

  /** Logs connection errors and recoveries (scrubbed); before the first connect only at debug. */
  #watch(client: RedisClient, phase: ConnectPhase): void {
    let lost = false;
    const onError = (error: unknown): void => {
      const message = this.#scrub(error).message;
      if (!phase.connected) {
        this.logger.debug({ error: message }, 'Redis connect attempt failed');
        return;
      }
      lost = true;
      this.logger.warn({ error: message }, 'Redis connection error; ioredis reconnects');
    };
    client.on('error', onError);
    client.on('node error', onError);
    client.on('ready', () => {
      if (lost) this.logger.info('Redis connection restored');
      lost = false;
    });
  }

  #connectError(target: ConnectionTarget, error: unknown, hint: string | undefined): KeelError {
    const failure = error instanceof ConnectFailure ? error : undefined;
    const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
    let reason = hint === undefined ? message : `${message}; unreachable seeds: ${hint}`;
    if (target.sentinel !== undefined && /invalid reply: null|No such master/i.test(message)) {
      reason += `; the sentinels know no master named "${target.sentinel.name}" (check sentinelName)`;
    }
    const where = describeTarget(target);
    const first = target.seeds[0];
    return new KeelError('REDIS_CONNECT_FAILED', this.#scrubText(`Cannot connect to ${where}: ${reason}`), {
      cause: this.#scrub(failure?.lastError ?? error),
      details: {
        service: this.name,
        ...(target.sentinel !== undefined
          ? { sentinels: target.seeds.map(formatHostPort), sentinelName: target.sentinel.name, db: target.db }
          : target.cluster
            ? { seeds: target.seeds.map(formatHostPort) }
            : { host: first?.host, port: first?.port, db: target.db }),
        timeoutMs: this.settings.connectTimeout,
        timedOut: failure?.timedOut ?? false,
      },
    });
  }

  #secrets(): (string | undefined)[] {
    return [
      this.settings.password,
      this.settings.sentinelPassword,
      this.#target?.password,
      this.#target?.sentinel?.password,
    ];
  }

  #scrubText(text: string): string {
    return scrubSecrets(text, this.#secrets());
  }

  #scrub(error: unknown): Error {
    return scrubError(error, this.#secrets());
  }
}
