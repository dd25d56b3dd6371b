import type { Redis, RedisOptions } from 'ioredis';

/** The channel Redis publishes invalidations on for RESP2 clients (tracking with REDIRECT). */
export const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** What a {@link TrackingPair} reports. */
export interface TrackingPairEvents {
  /** Keys to drop, or `null`: drop everything (FLUSHALL/FLUSHDB, or Redis lost track). */
  invalidate(keys: readonly string[] | null): void;
  /** The pair stopped tracking (a connection closed); nothing it read may be trusted now. */
  lost(pair: TrackingPair): void;
}

/**
 * How often the subscriber is pinged, in ms: a PING still unanswered at the next one ends the
 * pair, so a silently dead subscriber (no FIN, e.g. a network partition) stops the caching
 * within two periods.
 */
const HEARTBEAT_MS = 5000;

/**
 * Options of the pair's own connections: no reconnect (a lost connection ends the pair and a new
 * pair is opened), no offline queue, no automatic resubscribe.
 */
const PAIR_OPTIONS = {
  lazyConnect: true,
  retryStrategy: () => null,
  enableOfflineQueue: false,
  autoResubscribe: false,
  maxRetriesPerRequest: 0,
} satisfies Partial<RedisOptions>;

/**
 * Two connections of its own to one Redis server (a standalone server or one cluster master),
 * duplicated from a client of the transport: `reader` performs the near cache's reads with
 * `CLIENT TRACKING ON REDIRECT <subscriber id>`, and `subscriber` is subscribed to
 * `__redis__:invalidate`, where the server sends the keys that changed after `reader` read them.
 *
 * Neither connection reconnects: when either closes, the pair reports `lost` once and is done.
 */
export class TrackingPair {
  readonly #base: Redis;
  readonly #events: TrackingPairEvents;
  #reader: Redis | undefined;
  #subscriber: Redis | undefined;
  #ready = false;
  #done = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #awaitingPong = false;

  constructor(base: Redis, events: TrackingPairEvents) {
    this.#base = base;
    this.#events = events;
  }

  /** True while both connections are up and tracking is on: the pair's reads may be cached. */
  get ready(): boolean {
    return this.#ready && !this.#done;
  }

  /** The tracked reading connection (only while {@link ready}). */
  get reader(): Redis | undefined {
    return this.ready ? this.#reader : undefined;
  }

  /** Connects both connections and turns tracking on; rejects (and closes the pair) on failure. */
  async open(): Promise<void> {
    try {
      const subscriber = this.#connection();
      this.#subscriber = subscriber;
      subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => {
        if (channel.toString() === INVALIDATE_CHANNEL) this.#onMessage(message);
      });
      await subscriber.connect();
      const id = await subscriber.client('ID');
      await subscriber.subscribe(INVALIDATE_CHANNEL);
      const reader = this.#connection();
      this.#reader = reader;
      await reader.connect();
      await reader.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id));
      if (this.#done) throw new Error('a near cache connection closed while opening');
      this.#ready = true;
      this.#heartbeat = setInterval(() => {
        this.#beat();
      }, HEARTBEAT_MS);
      this.#heartbeat.unref();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Disconnects both connections (no report). */
  close(): void {
    this.#done = true;
    this.#ready = false;
    clearInterval(this.#heartbeat);
    this.#subscriber?.disconnect();
    this.#reader?.disconnect();
  }

  #connection(): Redis {
    const connection = this.#base.duplicate(PAIR_OPTIONS);
    // Errors end in 'close', handled there; a listener keeps them from being thrown.
    connection.on('error', () => undefined);
    connection.once('close', () => {
      this.#onClose();
    });
    return connection;
  }

  #beat(): void {
    if (this.#awaitingPong) {
      this.#onClose();
      return;
    }
    this.#awaitingPong = true;
    this.#subscriber?.ping().then(
      () => {
        this.#awaitingPong = false;
      },
      () => undefined,
    );
  }

  #onClose(): void {
    if (this.#done) return;
    const wasReady = this.#ready;
    this.close();
    if (wasReady) this.#events.lost(this);
  }

  #onMessage(message: unknown): void {
    if (message === null || message === undefined) {
      this.#events.invalidate(null);
      return;
    }
    const parts = Array.isArray(message) ? (message as unknown[]) : [message];
    const keys = parts.map((part) => (Buffer.isBuffer(part) ? part.toString('utf8') : String(part)));
    this.#events.invalidate(keys);
  }
}
