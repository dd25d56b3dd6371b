import type { Cluster, Redis } from 'ioredis';
import { closeClient } from '../transport/close-client.js';
import { globToRegExp } from '../keyspace/glob-to-regexp.js';
import { decodeNotification, type MapNotificationWire } from './map-notification.js';
import type { RedisMapChange, RedisMapSubscribeOptions } from './redis-map-types.js';

/** How a subscription turns a notification into a change (decoding the value with the map's type). */
export type ChangeDecoder<V> = (wire: MapNotificationWire) => RedisMapChange<V>;

/**
 * The change notifications of a map as an async iterator (`for await … of`). Ends on `return()`
 * (a `break`), {@link close}, the abort signal, or when its connection ends. Notifications that
 * cannot be decoded (another type, not a map notification) are skipped and counted in `invalid`.
 */
export class RedisMapSubscription<V> implements AsyncIterableIterator<RedisMapChange<V>> {
  /** Resolves once subscribed: changes made after it are delivered. Rejects if subscribing failed. */
  readonly ready: Promise<void>;
  /** Notifications dropped because `bufferSize` were waiting. */
  dropped = 0;
  /** Messages skipped because they could not be decoded. */
  invalid = 0;
  readonly #matcher: RegExp | undefined;
  readonly #decode: ChangeDecoder<V>;
  readonly #bufferSize: number;
  readonly #buffer: RedisMapChange<V>[] = [];
  readonly #waiters: ((result: IteratorResult<RedisMapChange<V>>) => void)[] = [];
  readonly #onClose: () => void;
  #client: Redis | Cluster | undefined;
  #closed = false;
  #error: Error | undefined;
  #rejectWaiters: ((error: unknown) => void)[] = [];

  constructor(
    connect: () => Promise<Redis | Cluster>,
    channel: string,
    decode: ChangeDecoder<V>,
    options: RedisMapSubscribeOptions,
    onClose: () => void,
  ) {
    const pattern = options.pattern ?? '*';
    this.#matcher = pattern === '*' ? undefined : globToRegExp(pattern);
    this.#decode = decode;
    this.#bufferSize = Math.max(1, options.bufferSize ?? 10_000);
    this.#onClose = onClose;
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(() => void this.close());
      else signal.addEventListener('abort', () => void this.close(), { once: true });
    }
    this.ready = this.#subscribe(connect, channel);
    this.ready.catch(() => undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<RedisMapChange<V>>> {
    const change = this.#buffer.shift();
    if (change !== undefined) return Promise.resolve({ value: change, done: false });
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiters.push(resolve);
      this.#rejectWaiters.push(reject);
    });
  }

  async return(): Promise<IteratorResult<RedisMapChange<V>>> {
    await this.close();
    return { value: undefined, done: true };
  }

  /** Unsubscribes and closes the connection; pending `next()` calls end the iteration. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.length = 0;
    this.#settleWaiters();
    this.#onClose();
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await closeClient(client, 1000);
  }

  async #subscribe(connect: () => Promise<Redis | Cluster>, channel: string): Promise<void> {
    let client: Redis | Cluster;
    try {
      client = await connect();
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    if (this.#closed) {
      await closeClient(client, 1000);
      return;
    }
    this.#client = client;
    client.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      this.#onMessage(message);
    });
    client.once('end', () => void this.close());
    try {
      await client.subscribe(channel);
    } catch (error) {
      this.#fail(error);
      await this.close();
      throw error;
    }
  }

  #onMessage(message: Buffer): void {
    if (this.#closed) return;
    const wire = decodeNotification(message);
    if (wire === undefined) {
      this.invalid++;
      return;
    }
    if (wire.key !== null && this.#matcher !== undefined && !this.#matcher.test(wire.key)) return;
    let change: RedisMapChange<V>;
    try {
      change = this.#decode(wire);
    } catch {
      this.invalid++;
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#rejectWaiters.shift();
      waiter({ value: change, done: false });
      return;
    }
    this.#buffer.push(change);
    if (this.#buffer.length > this.#bufferSize) {
      this.#buffer.shift();
      this.dropped++;
    }
  }

  #fail(error: unknown): void {
    this.#error = error instanceof Error ? error : new Error(String(error));
    const rejects = this.#rejectWaiters;
    this.#rejectWaiters = [];
    this.#waiters.length = 0;
    for (const reject of rejects) reject(this.#error);
  }

  #settleWaiters(): void {
    const waiters = this.#waiters.splice(0);
    this.#rejectWaiters = [];
    for (const resolve of waiters) resolve({ value: undefined, done: true });
  }
}
