import type { Redis, RedisOptions } from 'ioredis';
import { closeClient } from '../transport/close-client.js';
import { isSentinelClient, serverAddressOf } from '../transport/server-address.js';

/** Bound on `QUIT` when a node is closed, in ms. */
const QUIT_TIMEOUT_MS = 1000;

/** Reconnect delay of a node's connections: 50 ms doubling up to 2 s, until closed. */
function reconnectDelay(times: number): number {
  return Math.min(50 * 2 ** Math.max(0, times - 1), 2000);
}

/** The client's socket; ioredis types it as always present, but it is unset before connecting. */
function socketOf(client: Redis): { pause(): void; resume(): void } | undefined {
  const { stream } = client as { stream?: Redis['stream'] };
  return stream;
}

/** What a {@link KeyspaceNode} reports to its owner. */
export interface KeyspaceNodeHandlers {
  /** A `pmessage` (the pattern as a string; channel and message as sent). */
  message(node: KeyspaceNode, pattern: string, channel: Buffer, message: Buffer): void;
  /** The subscriber connection was lost after having been subscribed. */
  down(node: KeyspaceNode, error: Error | undefined): void;
  /** The subscriber connection is back and subscribed again. */
  resubscribed(node: KeyspaceNode): void;
  /** Subscribing again after a reconnect failed (it is retried on the next reconnect). */
  resubscribeFailed(node: KeyspaceNode, error: unknown): void;
}

/** Options of a {@link KeyspaceNode}. */
export interface KeyspaceNodeOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  /** A connected client whose options (auth, TLS, protocol, name) the node's connections copy. */
  readonly template: Redis;
  /** Channel patterns to `PSUBSCRIBE`. */
  readonly channelPatterns: readonly string[];
  /** Cluster node id, when known. */
  readonly id?: string | undefined;
  readonly handlers: KeyspaceNodeHandlers;
}

/** When and where a node's subscriber was last lost (see {@link KeyspaceNode.lastDown}). */
export interface NodeDown {
  /** `Date.now()` when the subscriber connection closed. */
  readonly at: number;
  /** The node's address then. */
  readonly address: string;
}

/**
 * One Redis node a keyspace source listens to: a subscriber connection (`PSUBSCRIBE` on the
 * channel patterns, subscribed again by itself after every reconnect) and a command connection
 * (config, fences, value fetches), both reconnecting until {@link close}.
 *
 * Made from a Sentinel client, both connections go to whatever server the sentinels name (the
 * primary, or a replica), on every reconnect: {@link address} is then the server the subscriber
 * is connected to, and changes after a failover.
 */
export class KeyspaceNode {
  readonly host: string;
  readonly port: number;
  #address: string;
  readonly #sentinel: boolean;
  #lastDown: NodeDown | undefined;
  /** Cluster node id, when known. */
  id: string | undefined;
  /** The subscriber connection. */
  readonly subscriber: Redis;
  /** The command connection (in the watched db). */
  readonly commands: Redis;
  readonly #patterns: readonly string[];
  readonly #handlers: KeyspaceNodeHandlers;
  #subscribed = false;
  #down = false;
  #paused = false;
  #closed = false;
  #lastError: Error | undefined;

  constructor(options: KeyspaceNodeOptions) {
    this.host = options.host;
    this.port = options.port;
    this.#address = `${options.host}:${options.port}`;
    this.#sentinel = isSentinelClient(options.template);
    this.id = options.id;
    this.#patterns = options.channelPatterns;
    this.#handlers = options.handlers;
    const override: RedisOptions = {
      host: options.host,
      port: options.port,
      db: options.db,
      lazyConnect: true,
      readOnly: false,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 2,
      retryStrategy: reconnectDelay,
    };
    this.subscriber = options.template.duplicate(override);
    this.commands = options.template.duplicate(override);
    this.subscriber.on('pmessageBuffer', (pattern: string | Buffer, channel: Buffer, message: Buffer) => {
      this.#handlers.message(this, String(pattern), channel, message);
    });
    this.subscriber.on('error', (error: Error) => {
      this.#lastError = error;
    });
    this.commands.on('error', () => undefined);
    this.subscriber.on('close', () => {
      if (!this.#subscribed || this.#closed || this.#down) return;
      this.#down = true;
      this.#lastDown = { at: Date.now(), address: this.#address };
      this.#handlers.down(this, this.#lastError);
    });
    this.subscriber.on('ready', () => {
      this.#learnAddress();
      if (this.#down && !this.#closed) void this.#resubscribe();
    });
  }

  /** `host:port` of the server listened to. */
  get address(): string {
    return this.#address;
  }

  /** When the subscriber was last lost, and the address it had then (undefined: never). */
  get lastDown(): NodeDown | undefined {
    return this.#lastDown;
  }

  /** True while the subscriber is connected and subscribed. */
  get connected(): boolean {
    return this.#subscribed && !this.#down && this.subscriber.status === 'ready';
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Connects both connections and subscribes. Rejects (and closes) when that fails. */
  async open(): Promise<void> {
    try {
      await Promise.all([this.subscriber.connect(), this.commands.connect()]);
      this.#learnAddress();
      await this.subscriber.psubscribe(...this.#patterns);
      this.#subscribed = true;
      if (this.#paused) this.#applyPause();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Stops reading the subscriber socket (Redis keeps the events in its output buffer). */
  pause(): void {
    this.#paused = true;
    if (this.#subscribed && !this.#down) this.#applyPause();
  }

  /** Reads the subscriber socket again. */
  resume(): void {
    this.#paused = false;
    socketOf(this.subscriber)?.resume();
  }

  /** Unsubscribes and closes both connections. Never throws. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    socketOf(this.subscriber)?.resume();
    this.subscriber.disconnect();
    await closeClient(this.commands, QUIT_TIMEOUT_MS);
  }

  /** With Sentinel: the address is the server the subscriber reached. */
  #learnAddress(): void {
    if (!this.#sentinel) return;
    const address = serverAddressOf(this.subscriber);
    if (address !== undefined) this.#address = address;
  }

  #applyPause(): void {
    socketOf(this.subscriber)?.pause();
  }

  async #resubscribe(): Promise<void> {
    try {
      await this.subscriber.psubscribe(...this.#patterns);
      if (this.#closed) return;
      this.#down = false;
      if (this.#paused) this.#applyPause();
      this.#handlers.resubscribed(this);
    } catch (error) {
      if (!this.#closed) this.#handlers.resubscribeFailed(this, error);
    }
  }
}
