/* SentinelSwitchWatch: a transport's one `+switch-master` subscription; moves only connections not on the new primary. */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { toError, type Logger } from '@keel/core';
import { Redis, SentinelConnector, type RedisOptions, type SentinelConnectionOptions } from 'ioredis';
import { formatHostPort } from './connection-target.js';
import type { SentinelTarget } from './sentinel-target.js';
import { peerAddressOf } from './server-address.js';

/** The `+switch-master` channel of Redis Sentinel: `<name> <old ip> <old port> <new ip> <new port>`. */
const SWITCH_CHANNEL = '+switch-master';
/** Prune collected connectors from the registry after this many registrations. */
const PRUNE_EVERY = 64;

/** Reconnect delay of a sentinel subscription: 100 ms more per attempt, up to 2 s. */
function sentinelReconnectDelay(times: number): number {
  return Math.min(times * 100, 2000);
}

/** What every connection of the watch to a sentinel is made with. */
type SentinelOptions = Pick<
  RedisOptions,
  | 'host'
  | 'port'
  | 'username'
  | 'password'
  | 'tls'
  | 'protocol'
  | 'disableClientInfo'
  | 'connectionName'
  | 'lazyConnect'
>;

/** The `field value …` flat list of a `SENTINEL SENTINELS` entry as a record. */
function fieldsOf(entry: unknown): Record<string, string | undefined> {
  const record: Record<string, string | undefined> = {};
  if (!Array.isArray(entry)) return record;
  for (let i = 0; i + 1 < entry.length; i += 2) record[String(entry[i])] = String(entry[i + 1]);
  return record;
}

/** A connector the watch can ask where it is connected and tell to move. */
interface FollowingConnector {
  /** `host:port` of the server its socket is connected to, or undefined (connecting, closed). */
  connectedTo(): string | undefined;
  /** Drops the connection; the client reconnects, asking the sentinels for the primary. */
  disconnect(): void;
}

/**
 * Follows Sentinel switches of one master group for every primary connection of a transport,
 * with one subscriber connection per sentinel, in place of ioredis's `failoverDetector` (which
 * opens one per sentinel for each connection, and drops the connection on every `+switch-master`
 * of any group, even when it is on the new primary already).
 *
 * Each sentinel publishes `+switch-master` when it learns of a failover, so the sentinels that
 * learn late (through their hello messages, seconds later) publish after the connections have
 * moved. Here a switch moves only the connections whose socket is on another server than the new
 * primary; one on it stays, with its subscriptions and client-side tracking.
 *
 * The connections register through {@link Connector}, the ioredis `Connector` option: ioredis's
 * `duplicate()` copies it, so duplicates made by services follow the switches too. While the
 * sentinels cannot be reached, a missed switch is still caught by Redis itself: a demoted
 * primary replies `READONLY` (the transport reconnects on it) and Sentinel kills the clients of
 * a server it reconfigures as a replica.
 */
export class SentinelSwitchWatch {
  /** The ioredis `Connector` of the followed connections (a `SentinelConnector` that registers). */
  readonly Connector: new (options: unknown) => SentinelConnector;
  readonly #target: SentinelTarget;
  readonly #tls: ConnectionOptions | undefined;
  readonly #logger: Logger;
  /** `CLIENT SETNAME` of the watch's connections to the sentinels. */
  readonly #clientName: string;
  readonly #connectors = new Set<WeakRef<FollowingConnector>>();
  /** A subscriber per sentinel, by `host:port`. */
  readonly #subscribers = new Map<string, Redis>();
  #registered = 0;
  #closed = false;

  /**
   * `name`: the transport's client name (the sentinel connections are named
   * `<name>:sentinel-switches`); `Base`: the connector the followed connections use otherwise.
   */
  constructor(
    target: SentinelTarget,
    tls: ConnectionOptions | undefined,
    logger: Logger,
    name: string | undefined,
    Base: new (options: SentinelConnectionOptions) => SentinelConnector = SentinelConnector,
  ) {
    this.#target = target;
    this.#clientName = `${name ?? 'keel'}:sentinel-switches`;
    this.#tls = tls;
    this.#logger = logger;
    const register = (connector: FollowingConnector): void => {
      this.#register(connector);
    };
    this.Connector = class SwitchFollowingConnector extends Base implements FollowingConnector {
      /** `options`: the client's options (ioredis passes them untyped). */
      constructor(options: unknown) {
        super({ ...(options as SentinelConnectionOptions), failoverDetector: false });
        register(this);
      }

      connectedTo(): string | undefined {
        const stream = this.stream as Partial<Socket> | undefined;
        if (stream === undefined || stream.destroyed === true || stream.connecting === true) return undefined;
        return peerAddressOf(stream);
      }
    };
  }

  /**
   * Subscribes to `+switch-master` on every configured sentinel and on the others they know
   * (`SENTINEL SENTINELS`), in the background; each subscription is retried while down.
   */
  start(): void {
    if (this.#closed || this.#subscribers.size > 0) return;
    for (const { host, port } of this.#target.sentinels) this.#subscribe(host, port);
    void this.#discover();
  }

  /** Closes the subscriptions; the connections keep their connectors (and follow no more switches). */
  close(): void {
    this.#closed = true;
    for (const subscriber of this.#subscribers.values()) subscriber.disconnect();
    this.#subscribers.clear();
    this.#connectors.clear();
  }

  /** The options of a connection to the sentinel at `host:port`. */
  #sentinelOptions(host: string, port: number): SentinelOptions {
    const { username, password } = this.#target;
    return {
      host,
      port,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(this.#tls === undefined ? {} : { tls: this.#tls }),
      protocol: 2,
      disableClientInfo: true,
      connectionName: this.#clientName,
      lazyConnect: true,
    } satisfies RedisOptions;
  }

  #subscribe(host: string, port: number): void {
    const sentinel = formatHostPort({ host, port });
    if (this.#closed || this.#subscribers.has(sentinel)) return;
    const subscriber = new Redis({
      ...this.#sentinelOptions(host, port),
      maxRetriesPerRequest: null,
      retryStrategy: sentinelReconnectDelay,
    });
    subscriber.on('error', (error: Error) => {
      this.#logger.debug({ sentinel, error: error.message }, 'sentinel subscription error');
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === SWITCH_CHANNEL) this.#onSwitch(message, sentinel);
    });
    this.#subscribers.set(sentinel, subscriber);
    subscriber.subscribe(SWITCH_CHANNEL).catch((error: unknown) => {
      if (!this.#closed) this.#logger.debug({ sentinel, error }, 'sentinel subscribe failed');
    });
  }

  /** Subscribes to the sentinels the first answering configured one knows besides itself. */
  async #discover(): Promise<void> {
    for (const { host, port } of this.#target.sentinels) {
      if (this.#closed) return;
      const client = new Redis({
        ...this.#sentinelOptions(host, port),
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const known = await client.call('SENTINEL', 'SENTINELS', this.#target.name);
        for (const fields of Array.isArray(known) ? known : []) {
          const { ip, port: otherPort } = fieldsOf(fields);
          if (ip !== undefined && otherPort !== undefined) this.#subscribe(ip, Number(otherPort));
        }
        return;
      } catch (error) {
        this.#logger.debug(
          { sentinel: formatHostPort({ host, port }), error: toError(error).message },
          'cannot list the sentinels',
        );
      } finally {
        client.disconnect();
      }
    }
  }

  #register(connector: FollowingConnector): void {
    if (this.#closed) return;
    this.#connectors.add(new WeakRef(connector));
    if (++this.#registered % PRUNE_EVERY === 0) {
      for (const ref of this.#connectors) if (ref.deref() === undefined) this.#connectors.delete(ref);
    }
  }

  #onSwitch(message: string, sentinel: string): void {
    const [name, , , newHost, newPort] = message.split(' ');
    if (name !== this.#target.name || newHost === undefined || newPort === undefined) return;
    const primary = formatHostPort({ host: newHost, port: Number(newPort) });
    let moved = 0;
    for (const ref of this.#connectors) {
      const connector = ref.deref();
      if (connector === undefined) {
        this.#connectors.delete(ref);
        continue;
      }
      const at = connector.connectedTo();
      if (at === undefined || at === primary) continue;
      connector.disconnect();
      moved++;
    }
    this.#logger.debug(
      { sentinel, primary, moved },
      `sentinels switched "${name}"; connections elsewhere move`,
    );
  }
}
