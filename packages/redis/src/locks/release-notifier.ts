import type { Logger } from '@keel/core';
import { closeClient } from '../transport/close-client.js';
import type { RedisClient } from '../transport/redis-client.js';

/** Bound on quitting the subscriber connection at close, in ms. */
const QUIT_TIMEOUT_MS = 2000;
/** Bound on remembered echoes per key (forgetting one costs one extra wake). */
const MAX_ECHOES = 64;

/** Something waiting on lock keys, told when one of them is released. */
export interface ReleaseListener {
  /**
   * `true` for acquirers: a release wakes only the first exclusive listener of the key (only
   * one of them could take the lock); `false` for watchers, which are all told.
   */
  readonly exclusive: boolean;
  /** A release of `key` was announced (or may have been missed: after a reconnect). */
  notify(key: string): void;
}

/** The listeners of one key and the state of its channel. */
interface KeyEntry {
  readonly listeners: Set<ReleaseListener>;
  /** True once the channel's SUBSCRIBE has been answered. */
  subscribed: boolean;
  /** Identifiers of local releases whose own notification is still to arrive (and be skipped). */
  readonly echoes: Set<string>;
  /** Number of releases delivered so far. */
  epoch: number;
}

/** What {@link ReleaseNotifier.snapshot} saw of some keys; compare with `unchangedSince`. */
export type ReleaseSnapshot = readonly (readonly [KeyEntry, number])[];

/** A listener's registration; `ready` settles once the key's channels are subscribed. */
export interface ReleaseRegistration {
  /** Resolves once every key's channel is subscribed (or subscribing failed, logged). */
  readonly ready: Promise<void>;
  /** Unregisters; `passOnWake` hands an unconsumed wake of this key to the next acquirer. */
  dispose(passOnWake?: string): void;
}

/** What {@link ReleaseNotifier} needs. */
export interface ReleaseNotifierOptions {
  /** Channel prefix: a release of `key` is published on `<prefix><key>`. */
  readonly prefix: string;
  /** Opens the subscriber connection (`transport.duplicate()`), once, on first use. */
  readonly connect: () => Promise<RedisClient>;
  readonly logger: Logger;
}

/**
 * Delivers lock release notifications to local waiters over one subscriber connection per
 * service. A key's channel is subscribed while someone waits on the key and unsubscribed when
 * the last waiter leaves; subscribe and unsubscribe of one channel are sent in order.
 */
export class ReleaseNotifier {
  readonly #options: ReleaseNotifierOptions;
  readonly #entries = new Map<string, KeyEntry>();
  /** Per key, the last queued subscribe/unsubscribe, to keep them in order. */
  readonly #queues = new Map<string, Promise<void>>();
  #subscriber: Promise<RedisClient | undefined> | undefined;
  #closed = false;

  constructor(options: ReleaseNotifierOptions) {
    this.#options = options;
  }

  /** Registers `listener` for releases of every key of `keys`. */
  listen(keys: readonly string[], listener: ReleaseListener): ReleaseRegistration {
    const ready: Promise<void>[] = [];
    for (const key of keys) {
      let entry = this.#entries.get(key);
      if (entry === undefined) {
        const created: KeyEntry = { listeners: new Set(), subscribed: false, echoes: new Set(), epoch: 0 };
        entry = created;
        this.#entries.set(key, created);
        ready.push(
          this.#enqueue(key, async (client) => {
            await client.subscribe(this.#options.prefix + key);
            created.subscribed = true;
          }),
        );
      } else {
        const queued = this.#queues.get(key);
        if (queued !== undefined) ready.push(queued);
      }
      entry.listeners.add(listener);
    }
    let disposed = false;
    return {
      ready: ready.length === 0 ? Promise.resolve() : Promise.all(ready).then(() => undefined),
      dispose: (passOnWake) => {
        if (disposed) return;
        disposed = true;
        if (passOnWake !== undefined) this.passOn(passOnWake, listener);
        for (const key of keys) this.#remove(key, listener);
      },
    };
  }

  /**
   * The release count of each key, when every key's channel is subscribed already (else
   * `undefined`). Taken before an attempt, {@link unchangedSince} after it then tells whether a
   * release may have been missed before the caller registered.
   */
  snapshot(keys: readonly string[]): ReleaseSnapshot | undefined {
    const seen: (readonly [KeyEntry, number])[] = [];
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry?.subscribed !== true) return undefined;
      seen.push([entry, entry.epoch]);
    }
    return seen;
  }

  /** True when no release of the snapshot's keys was delivered since, nor any resubscribe. */
  unchangedSince(keys: readonly string[], snapshot: ReleaseSnapshot): boolean {
    return snapshot.every(
      ([entry, epoch], index) => this.#entries.get(keys[index] ?? '') === entry && entry.epoch === epoch,
    );
  }

  /**
   * This process released `key` as `identifier`: wakes its local waiters now, without waiting
   * for the notification, and skips that notification when it arrives.
   */
  releasedLocally(key: string, identifier: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    if (entry.subscribed) {
      // A notification that beat the release's reply leaves a stale echo; keep the set small.
      if (entry.echoes.size >= MAX_ECHOES) entry.echoes.clear();
      entry.echoes.add(identifier);
    }
    this.#wake(key, entry);
  }

  /** Wakes the first exclusive listener of `key` registered after `after` (or the first one). */
  passOn(key: string, after: ReleaseListener): void {
    const listeners = this.#entries.get(key)?.listeners;
    if (listeners === undefined) return;
    let seen = !listeners.has(after);
    for (const listener of listeners) {
      if (listener === after) {
        seen = true;
      } else if (seen && listener.exclusive) {
        listener.notify(key);
        return;
      }
    }
  }

  /** Quits the subscriber connection; listeners are no longer told anything. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    const client = await subscriber;
    if (client !== undefined) await closeClient(client, QUIT_TIMEOUT_MS);
  }

  #remove(key: string, listener: ReleaseListener): void {
    const entry = this.#entries.get(key);
    if (entry?.listeners.delete(listener) !== true || entry.listeners.size > 0) return;
    this.#entries.delete(key);
    if (!this.#closed) void this.#enqueue(key, (client) => client.unsubscribe(this.#options.prefix + key));
  }

  #deliver(channel: string, identifier: string): void {
    const { prefix } = this.#options;
    if (!channel.startsWith(prefix)) return;
    const key = channel.slice(prefix.length);
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.echoes.delete(identifier)) return;
    this.#wake(key, entry);
  }

  /** Tells every watcher of `key` and the first acquirer (only one of them can get the lock). */
  #wake(key: string, entry: KeyEntry): void {
    entry.epoch++;
    let woken = false;
    for (const listener of [...entry.listeners]) {
      if (!listener.exclusive) {
        listener.notify(key);
      } else if (!woken) {
        woken = true;
        listener.notify(key);
      }
    }
  }

  /** Tells every listener: releases may have been missed while the subscriber reconnected. */
  #deliverAll(): void {
    for (const [key, entry] of this.#entries) {
      entry.echoes.clear();
      entry.epoch++;
      for (const listener of [...entry.listeners]) listener.notify(key);
    }
  }

  /** Runs `operation` on the subscriber after the key's earlier ones; never rejects (logs). */
  #enqueue(key: string, operation: (client: RedisClient) => Promise<unknown>): Promise<void> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const client = await this.#subscriberClient();
        if (client !== undefined && !this.#closed) await operation(client);
      })
      .catch((error: unknown) => {
        this.#options.logger.warn(
          { key, err: error },
          'lock release notifications unavailable for this key; waiters fall back to retrying',
        );
      });
    this.#queues.set(key, next);
    void next.then(() => {
      if (this.#queues.get(key) === next) this.#queues.delete(key);
    });
    return next;
  }

  #subscriberClient(): Promise<RedisClient | undefined> {
    this.#subscriber ??= this.#options.connect().then(
      (client) => {
        if (this.#closed) {
          void closeClient(client, QUIT_TIMEOUT_MS);
          return undefined;
        }
        client.on('message', (channel: string, identifier: string) => {
          this.#deliver(channel, identifier);
        });
        // After a reconnect ioredis resubscribes; releases in between were missed.
        client.on('ready', () => {
          this.#deliverAll();
        });
        return client;
      },
      (error: unknown) => {
        this.#options.logger.warn(
          { err: error },
          'cannot open the lock notification subscriber; retrying later',
        );
        this.#subscriber = undefined;
        return undefined;
      },
    );
    return this.#subscriber;
  }
}
