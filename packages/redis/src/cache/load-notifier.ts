import type { Logger } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';

/** Pub/sub channel on which `getOrSet` announces that a key's load finished (the message: the key). */
export const LOAD_CHANNEL = 'keel:cache:loaded';

/** Interest in one key's load notification, registered before looking at Redis. */
export interface LoadWatch {
  /** Resolves when the key is notified (at once if it was since the watch began) or after `ms`. */
  wait(ms: number): Promise<void>;
  /** Ends the watch. */
  close(): void;
}

class Watch implements LoadWatch {
  notified = false;
  #wake: (() => void) | undefined;

  constructor(private readonly release: (watch: Watch) => void) {}

  notify(): void {
    this.notified = true;
    this.#wake?.();
  }

  wait(ms: number): Promise<void> {
    if (this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  close(): void {
    this.#wake?.();
    this.release(this);
  }
}

/**
 * Wakes `getOrSet` waiters of this process when a load finishes: one subscriber connection
 * (made on first use) on {@link LOAD_CHANNEL}, whose messages wake the watches of that key.
 * If subscribing fails, waiters fall back to their (jittered, backed-off) re-checks.
 */
export class LoadNotifier {
  readonly #watches = new Map<string, Set<Watch>>();
  #subscriber: Promise<RedisClient | undefined> | undefined;
  #closed = false;

  constructor(
    private readonly connect: () => Promise<RedisClient>,
    private readonly logger: Logger,
  ) {}

  /** Starts watching `key`. */
  watch(key: string): LoadWatch {
    let watches = this.#watches.get(key);
    if (watches === undefined) {
      watches = new Set();
      this.#watches.set(key, watches);
    }
    const watch = new Watch((done) => {
      const current = this.#watches.get(key);
      if (current === undefined) return;
      current.delete(done);
      if (current.size === 0) this.#watches.delete(key);
    });
    watches.add(watch);
    return watch;
  }

  /**
   * Resolves once notifications flow (the subscription is confirmed), or once subscribing
   * failed; `true` in the first case.
   */
  async subscribed(): Promise<boolean> {
    this.#subscriber ??= this.#subscribe();
    return (await this.#subscriber) !== undefined;
  }

  async #subscribe(): Promise<RedisClient | undefined> {
    if (this.#closed) return undefined;
    let client: RedisClient | undefined;
    try {
      client = await this.connect();
      client.on('message', (channel: string, key: string) => {
        if (channel === LOAD_CHANNEL) this.#notify(key);
      });
      await client.subscribe(LOAD_CHANNEL);
      if (this.#isClosed()) {
        client.disconnect();
        return undefined;
      }
      return client;
    } catch (error) {
      client?.disconnect();
      this.logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'getOrSet notifications unavailable; waiters poll instead',
      );
      // Try again on a later wait.
      this.#subscriber = undefined;
      return undefined;
    }
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  #notify(key: string): void {
    const watches = this.#watches.get(key);
    if (watches === undefined) return;
    for (const watch of watches) watch.notify();
  }

  /** Closes the subscriber connection and wakes every waiter. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const watches of this.#watches.values()) for (const watch of watches) watch.notify();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    const client = await subscriber;
    if (client !== undefined) {
      await client.quit().catch(() => undefined);
      client.disconnect();
    }
  }
}
