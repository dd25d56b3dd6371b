import { randomUUID } from 'node:crypto';
import { KeelError } from '@keel/core';
import { Cluster, Redis } from 'ioredis';
import { decodeValue, encodeValue, type TypeToken } from '../cache/codec/index.js';
import { defineLuaScripts, readLuaScript, runLuaScript } from '../lua/index.js';
import { mapChannel, encodeNotification, type MapNotificationWire } from './map-notification.js';
import { RedisMapSubscription } from './map-subscription.js';
import type {
  MapValue,
  RedisMapChange,
  RedisMapEntries,
  RedisMapOptions,
  RedisMapSubscribeOptions,
} from './redis-map-types.js';

const deleteScript = readLuaScript(new URL('./map-delete.lua', import.meta.url));
const clearScript = readLuaScript(new URL('./map-clear.lua', import.meta.url));

/** Where a map lives: an ioredis client, or a `RedisTransportService` (anything with `client`, optionally `duplicate()`). */
export type RedisMapConnection =
  Redis | Cluster | { readonly client: Redis | Cluster; duplicate?: () => Promise<Redis | Cluster> };

/** Entries per `HSET` in {@link RedisMap.update} (one `MULTI`, so still atomic). */
const UPDATE_CHUNK = 1000;
/** `COUNT` hint of each `HSCAN` call. */
const SCAN_COUNT = 500;

function isEntryIterable<V>(entries: RedisMapEntries<V>): entries is Iterable<readonly [string, V]> {
  return typeof (entries as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/**
 * A typed, Map-like store in Redis under a namespace, for sharing state between processes.
 *
 * The whole map is one Redis hash whose key is the namespace (one key, so on a cluster the
 * map lives in one slot on one master): `clear()` and `update()` are atomic, `size()` is
 * `HLEN`, iteration is `HSCAN` over the map alone. Values are encoded like `RedisCache` values
 * (msgpack; with `type`, checked on write and checked and rebuilt on read — a wrongly typed value
 * raises `CacheDecodeError` and is never returned).
 *
 * With notifications on, every set, update, delete and clear publishes
 * `{ key, notificationId, event, value? }` (msgpack) on the map's channel, in the same atomic
 * step as the write; {@link subscribe} reads them.
 *
 * ```ts
 * const users = new RedisMap(transport, 'prod.users', { type: UserType, notifications: true });
 * await users.set('ada', { name: 'Ada', age: 36 });
 * for await (const change of users.subscribe({ pattern: 'a*' })) console.log(change.event, change.key);
 * ```
 */
export class RedisMap<K extends TypeToken | undefined = undefined> {
  /** The namespace, which is also the Redis key of the hash. */
  readonly namespace: string;
  /** The pub/sub channel of the notifications. */
  readonly channel: string;
  readonly #client: Redis | Cluster;
  readonly #connection: RedisMapConnection;
  readonly #type: K | undefined;
  readonly #maxValueBytes: number | undefined;
  readonly #subscriptions = new Set<RedisMapSubscription<MapValue<K>>>();
  #notifications: boolean;
  #notificationId: string;

  constructor(connection: RedisMapConnection, namespace: string, options: RedisMapOptions<K> = {}) {
    if (namespace === '') {
      throw new KeelError('MAP_NAMESPACE_INVALID', 'A RedisMap needs a non-empty namespace');
    }
    this.namespace = namespace;
    this.channel = mapChannel(namespace);
    this.#connection = connection;
    this.#client =
      connection instanceof Redis || connection instanceof Cluster ? connection : connection.client;
    this.#type = options.type;
    this.#maxValueBytes = options.maxValueBytes;
    this.#notifications = options.notifications ?? false;
    this.#notificationId = options.notificationId ?? randomUUID();
    defineLuaScripts(this.#client, [deleteScript, clearScript]);
  }

  /** Whether writes publish notifications. */
  get notificationMode(): boolean {
    return this.#notifications;
  }

  /** The id sent with this instance's notifications. */
  get notificationId(): string {
    return this.#notificationId;
  }

  /** Turns change notifications on or off for this instance's writes. */
  setNotificationMode(enabled: boolean): void {
    this.#notifications = enabled;
  }

  /** Sets the id sent with this instance's notifications (tell writers apart). */
  setNotificationId(id: string): void {
    this.#notificationId = id;
  }

  /** The value of `key`, or undefined. @throws CacheDecodeError when it does not match the map's type. */
  async get(key: string): Promise<MapValue<K> | undefined> {
    const bytes = await this.#client.hgetBuffer(this.namespace, key);
    return bytes === null ? undefined : this.#decode(bytes, key);
  }

  /** Sets `key` to `value`. @throws CacheEncodeError when it does not match the map's type. */
  async set(key: string, value: MapValue<K>): Promise<this> {
    const bytes = this.#encode(value, key);
    if (!this.#notifications) {
      await this.#client.hset(this.namespace, key, bytes);
      return this;
    }
    const message = this.#message({ key, event: 'set', value: bytes });
    await this.#exec(this.#client.multi().hset(this.namespace, key, bytes).publish(this.channel, message));
    return this;
  }

  /** True when `key` has a value. */
  async has(key: string): Promise<boolean> {
    return (await this.#client.hexists(this.namespace, key)) === 1;
  }

  /** Removes `key`; true when it existed (only then is a notification published). */
  async delete(key: string): Promise<boolean> {
    if (!this.#notifications) return (await this.#client.hdel(this.namespace, key)) === 1;
    const message = this.#message({ key, event: 'delete' });
    const removed = await runLuaScript(
      this.#client,
      deleteScript,
      [this.namespace],
      [key, this.channel, message],
    );
    return removed === 1;
  }

  /** Removes every entry at once; resolves with how many there were. */
  async clear(): Promise<number> {
    const message = this.#notifications ? this.#message({ key: null, event: 'clear' }) : Buffer.alloc(0);
    const channel = this.#notifications ? this.channel : '';
    return Number(await runLuaScript(this.#client, clearScript, [this.namespace], [channel, message]));
  }

  /** The number of entries (`HLEN`). */
  async size(): Promise<number> {
    return this.#client.hlen(this.namespace);
  }

  /**
   * Sets every entry of `entries` in one atomic step (`MULTI` of `HSET`s, plus one notification
   * per key with event `update`). Every value is checked against the type before anything is sent.
   */
  async update(entries: RedisMapEntries<MapValue<K>>): Promise<void> {
    const pairs: [string, Buffer][] = [];
    const list: Iterable<readonly [string, MapValue<K>]> = isEntryIterable(entries)
      ? entries
      : Object.entries(entries);
    for (const [key, value] of list) pairs.push([key, this.#encode(value, key)]);
    if (pairs.length === 0) return;
    const multi = this.#client.multi();
    for (let start = 0; start < pairs.length; start += UPDATE_CHUNK) {
      multi.hset(this.namespace, ...pairs.slice(start, start + UPDATE_CHUNK).flat());
    }
    if (this.#notifications) {
      for (const [key, bytes] of pairs)
        multi.publish(this.channel, this.#message({ key, event: 'update', value: bytes }));
    }
    await this.#exec(multi);
  }

  /** Every key (`HSCAN`; each key once, in no particular order). */
  async *keys(): AsyncIterableIterator<string> {
    for await (const [key] of this.#scan(undefined, false)) yield key;
  }

  /** Every value. */
  async *values(): AsyncIterableIterator<MapValue<K>> {
    for await (const [, value] of this.#scan(undefined, true)) yield value;
  }

  /** Every `[key, value]`. */
  entries(): AsyncIterableIterator<[string, MapValue<K>]> {
    return this.#scan(undefined, true);
  }

  /** Every `[key, value]` whose key matches the glob (`HSCAN MATCH`: `*`, `?`, `[abc]`, `\x`). */
  matching(glob: string): AsyncIterableIterator<[string, MapValue<K>]> {
    return this.#scan(glob, true);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<[string, MapValue<K>]> {
    return this.entries();
  }

  /** The whole map as a plain object (keys such as `__proto__` are own properties, never prototypes). */
  async toObject(): Promise<Record<string, MapValue<K>>> {
    const object: Record<string, MapValue<K>> = {};
    for await (const [key, value] of this.entries()) {
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return object;
  }

  /** The whole map as a `Map`. */
  async toMap(): Promise<Map<string, MapValue<K>>> {
    const map = new Map<string, MapValue<K>>();
    for await (const [key, value] of this.entries()) map.set(key, value);
    return map;
  }

  /**
   * The change notifications of this map (from every instance with notifications on), as an
   * async iterator of `{ key, notificationId, value, event }` whose key matches `pattern`.
   * Await `ready` before relying on changes made right after. A dedicated connection is used
   * (the transport's `duplicate()`, or the client's).
   */
  subscribe(options: RedisMapSubscribeOptions = {}): RedisMapSubscription<MapValue<K>> {
    const subscription: RedisMapSubscription<MapValue<K>> = new RedisMapSubscription<MapValue<K>>(
      () => this.#duplicate(),
      this.channel,
      (wire) => this.#change(wire),
      options,
      () => this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** Closes every subscription made by this instance. */
  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
  }

  #encode(value: MapValue<K>, key: string): Buffer {
    const options = { key, maxValueBytes: this.#maxValueBytes };
    const type = this.#type;
    return type === undefined
      ? encodeValue(value, undefined, options)
      : encodeValue(value as never, type, options);
  }

  #decode(bytes: Uint8Array, key: string): MapValue<K> {
    const type = this.#type;
    return (
      type === undefined ? decodeValue(bytes, undefined, key) : decodeValue(bytes, type, key)
    ) as MapValue<K>;
  }

  #message(notification: Omit<MapNotificationWire, 'notificationId'>): Buffer {
    return encodeNotification({ ...notification, notificationId: this.#notificationId });
  }

  #change(wire: MapNotificationWire): RedisMapChange<MapValue<K>> {
    const { notificationId } = wire;
    if (wire.event === 'clear' || wire.key === null)
      return { event: 'clear', key: null, notificationId, value: undefined };
    if (wire.event === 'delete') return { event: 'delete', key: wire.key, notificationId, value: undefined };
    if (wire.value === undefined) throw new TypeError('a set notification without a value');
    return { event: wire.event, key: wire.key, notificationId, value: this.#decode(wire.value, wire.key) };
  }

  async #exec(multi: ReturnType<Redis['multi']>): Promise<void> {
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed !== undefined && failed !== null) throw failed;
  }

  async #duplicate(): Promise<Redis | Cluster> {
    const connection = this.#connection;
    if (
      !(connection instanceof Redis) &&
      !(connection instanceof Cluster) &&
      connection.duplicate !== undefined
    ) {
      return connection.duplicate();
    }
    const client = this.#client;
    return client instanceof Cluster ? client.duplicate() : client.duplicate();
  }

  async *#scan(glob: string | undefined, withValues: boolean): AsyncIterableIterator<[string, MapValue<K>]> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, flat] =
        glob === undefined
          ? await this.#client.hscanBuffer(this.namespace, cursor, 'COUNT', SCAN_COUNT)
          : await this.#client.hscanBuffer(this.namespace, cursor, 'MATCH', glob, 'COUNT', SCAN_COUNT);
      cursor = next.toString();
      for (let index = 0; index + 1 < flat.length; index += 2) {
        const field = flat[index];
        const bytes = flat[index + 1];
        if (field === undefined || bytes === undefined) continue;
        const key = field.toString();
        if (seen.has(key)) continue;
        seen.add(key);
        yield [key, withValues ? this.#decode(bytes, key) : (undefined as MapValue<K>)];
      }
    } while (cursor !== '0');
  }
}
