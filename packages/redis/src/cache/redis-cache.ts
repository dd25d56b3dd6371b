// RedisCache: the typed Redis cache service (its methods build ops with string-, hash- and list-ops and run them).
import { dependency, Service } from '@keel/core';
import { defineLuaScripts } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import type { Decoded, TypeToken } from './codec/type-token.js';
import { attempt } from './attempt.js';
import { opContextOf, type OpContext } from './cache-op.js';
import { CacheOpRunner } from './cache-op-runner.js';
import { CachePipeline } from './cache-pipeline.js';
import { CachePrometheus } from './cache-prometheus.js';
import { traceCache } from './cache-tracing.js';
import { cacheScripts } from './cache-scripts.js';
import type {
  ConnOption,
  GetOrSetOptions,
  HashFields,
  MsetEntries,
  MsetOptions,
  SetOptions,
  SetResult,
  TypeOption,
  ValueOf,
} from './cache-types.js';
import { GetOrSetCoordinator } from './get-or-set.js';
import { hdelOp, hgetallOp, hgetOp, hsetOp } from './hash-ops.js';
import { llenOp, lrangeOp, popOp, pushOp } from './list-ops.js';
import { LoadNotifier } from './load-notifier.js';
import { NearCache } from './near-cache/near-cache.js';
import { redisCacheSettings, type RedisCacheSettings } from './redis-cache-settings.js';
import { countKeysOp, expireOp, getOp, mgetOp, msetOp, setArgs, setOp, ttlOp } from './string-ops.js';
import { splitItems, splitNames } from './trailing-options.js';

const transportDependency = dependency(RedisTransportService, { setting: 'transport' });

/**
 * A typed Redis cache: strings, hashes and lists whose values are msgpack, checked against a
 * runtime `type` on the way in and out (`CacheDecodeError` rather than a wrongly typed value).
 *
 * Every method takes a trailing `{ conn }` (an ioredis pipeline or `MULTI`, e.g.
 * `cache.transport.pipeline()`) to queue its command instead: it then resolves with `undefined`,
 * and `conn.exec()` gives the raw Redis reply. `pipeline()` is the typed alternative whose
 * `exec()` decodes. In a cluster, `mget`, `mset`, `delete` and `exists` split their keys per
 * slot and merge the replies in the caller's order. Keys are used as given (build them with
 * `app.namespace.key(…)`).
 */
export class RedisCache extends Service<RedisCacheSettings> {
  static override settingsSpec = redisCacheSettings;
  static override dependencies = [transportDependency];

  #context: OpContext | undefined;
  #notifier: LoadNotifier | undefined;
  #loads: GetOrSetCoordinator | undefined;
  #near: NearCache | undefined;
  readonly #metrics = new CachePrometheus(this.metricsSink, () => this.#near);
  readonly #runner = new CacheOpRunner({
    client: () => this.#client,
    near: () => this.#near,
    decodeErrors: this.#metrics.decodeErrors,
  });

  /** The transport service the cache runs on (`cache.transport.pipeline()` for `{ conn }`). */
  get transport(): RedisTransportService {
    return this.use(transportDependency);
  }

  /** The near cache (`get`/`hget` results kept in process) when it is on; see docs/cache.md. */
  get nearCache(): NearCache | undefined {
    return this.#near;
  }

  override async init(): Promise<void> {
    requireWritableTransport(this.transport, `RedisCache "${this.name}"`);
    if (this.settings.tracing) traceCache(this);
    defineLuaScripts(this.transport.client, cacheScripts);
    if (this.settings.nearCache ?? this.transport.tracking) {
      const limits = { maxKeys: this.settings.nearCacheMaxKeys, maxBytes: this.settings.nearCacheMaxBytes };
      this.#near = new NearCache(() => this.#client, limits, this.logger);
      // A server whose tracking connections fail to open now is retried on its next read.
      await this.#near.warmUp().catch(() => undefined);
    }
  }

  override async close(): Promise<void> {
    this.#near?.close();
    this.#metrics.retire(this.#near);
    this.#near = undefined;
    const notifier = this.#notifier;
    this.#notifier = undefined;
    this.#loads = undefined;
    await notifier?.close();
  }

  /** A typed pipeline: the same methods, queued; `exec()` resolves with decoded results. */
  pipeline(): CachePipeline {
    return new CachePipeline(() => this.#client, this.#ctx);
  }

  /** The value of `key` decoded (and checked) as `type`; `null` when the key does not exist. */
  get(key: string, type: TypeToken | undefined, options: ConnOption): Promise<undefined>;
  get<K extends TypeToken | undefined = undefined>(key: string, type?: K): Promise<ValueOf<K> | null>;
  get(key: string, type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    const conn = options?.conn;
    if (conn === undefined) return this.#runner.readOne(key, type, this.#metrics.get);
    return this.#runner.run(getOp(key, type), conn);
  }

  /**
   * Writes `value` (checked against `type`, if given). `ttl` in seconds (default: `defaultTtl`),
   * `nx`/`xx` to write only when the key is missing/present. Resolves with whether it wrote, or
   * with `get: true` with the previous value (decoded with `type`).
   */
  set<K extends TypeToken | undefined = undefined>(
    key: string,
    value: ValueOf<K>,
    options: SetOptions<K> & ConnOption,
  ): Promise<undefined>;
  set<K extends TypeToken | undefined = undefined, G extends boolean = false>(
    key: string,
    value: ValueOf<K>,
    options?: SetOptions<K, G>,
  ): Promise<SetResult<K, G>>;
  set(
    key: string,
    value: unknown,
    options: SetOptions<TypeToken | undefined> & Partial<ConnOption> = {},
  ): Promise<unknown> {
    if (options.conn === undefined && options.get !== true) {
      return attempt(() => this.#runner.set(key, setArgs(this.#ctx, key, value, options)));
    }
    return attempt(() => this.#runner.run(setOp(this.#ctx, key, value, options), options.conn));
  }

  /** Deletes keys; resolves with how many existed. */
  delete(...args: [...keys: string[], options: ConnOption]): Promise<undefined>;
  delete(...keys: string[]): Promise<number>;
  delete(...args: (string | ConnOption)[]): Promise<number | undefined> {
    return attempt(() => {
      const { names, conn } = splitNames('delete', args);
      return this.#runner.run(countKeysOp(this.#ctx, 'del', names), conn);
    });
  }

  /** How many of the keys exist (a key given twice counts twice). */
  exists(...args: [...keys: string[], options: ConnOption]): Promise<undefined>;
  exists(...keys: string[]): Promise<number>;
  exists(...args: (string | ConnOption)[]): Promise<number | undefined> {
    return attempt(() => {
      const { names, conn } = splitNames('exists', args);
      return this.#runner.run(countKeysOp(this.#ctx, 'exists', names), conn);
    });
  }

  /** The values of `keys` in order, decoded as `type`; `null` for missing keys. */
  mget(keys: readonly string[], type: TypeToken | undefined, options: ConnOption): Promise<undefined>;
  mget<K extends TypeToken | undefined = undefined>(
    keys: readonly string[],
    type?: K,
  ): Promise<(ValueOf<K> | null)[]>;
  mget(keys: readonly string[], type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    return attempt(() => this.#runner.run(mgetOp(this.#ctx, keys, type, this.#metrics.mget), options?.conn));
  }

  /**
   * Writes several keys (a record, a `Map` or `[key, value]` pairs), all checked and encoded
   * before anything is written. Without a ttl: MSET (per slot in a cluster); with one: every key
   * SET with PX in one Lua call (per slot in a cluster) — atomic per slot either way.
   */
  mset<K extends TypeToken | undefined = undefined>(
    entries: MsetEntries<ValueOf<K>>,
    options: MsetOptions<K> & ConnOption,
  ): Promise<undefined>;
  mset<K extends TypeToken | undefined = undefined>(
    entries: MsetEntries<ValueOf<K>>,
    options?: MsetOptions<K>,
  ): Promise<undefined>;
  mset(
    entries: MsetEntries<unknown>,
    options: MsetOptions<TypeToken | undefined> & Partial<ConnOption> = {},
  ): Promise<undefined> {
    return attempt(() => this.#runner.run(msetOp(this.#ctx, entries, options), options.conn));
  }

  /** Sets the key's time to live in seconds (≤ 0 deletes it); whether the key exists. */
  expire(key: string, ttl: number, options: ConnOption): Promise<undefined>;
  expire(key: string, ttl: number): Promise<boolean>;
  expire(key: string, ttl: number, options?: Partial<ConnOption>): Promise<boolean | undefined> {
    return attempt(() => this.#runner.run(expireOp(key, ttl), options?.conn));
  }

  /** Seconds the key has left; -1 when it does not expire, -2 when it does not exist. */
  ttl(key: string, options: ConnOption): Promise<undefined>;
  ttl(key: string): Promise<number>;
  ttl(key: string, options?: Partial<ConnOption>): Promise<number | undefined> {
    return attempt(() => this.#runner.run(ttlOp(key), options?.conn));
  }

  /** Sets hash fields (a record or a `Map`), values checked against `type`; how many were new. */
  hset<K extends TypeToken | undefined = undefined>(
    key: string,
    fields: HashFields<ValueOf<K>>,
    options: TypeOption<K> & ConnOption,
  ): Promise<undefined>;
  hset<K extends TypeToken | undefined = undefined>(
    key: string,
    fields: HashFields<ValueOf<K>>,
    options?: TypeOption<K>,
  ): Promise<number>;
  hset(
    key: string,
    fields: HashFields<unknown>,
    options: TypeOption<TypeToken | undefined> & Partial<ConnOption> = {},
  ): Promise<number | undefined> {
    return attempt(() => this.#runner.run(hsetOp(this.#ctx, key, fields, options.type), options.conn));
  }

  /** A hash field decoded as `type`; `null` when the field or the key does not exist. */
  hget(key: string, field: string, type: TypeToken | undefined, options: ConnOption): Promise<undefined>;
  hget<K extends TypeToken | undefined = undefined>(
    key: string,
    field: string,
    type?: K,
  ): Promise<ValueOf<K> | null>;
  hget(key: string, field: string, type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    const conn = options?.conn;
    return conn === undefined
      ? this.#runner.readField(key, field, type)
      : this.#runner.run(hgetOp(key, field, type), conn);
  }

  /**
   * Every field of a hash, decoded as `type`, in a plain object (`{}` when the key does not
   * exist). A field named `__proto__` is an own property like any other.
   */
  hgetall(key: string, type: TypeToken | undefined, options: ConnOption): Promise<undefined>;
  hgetall<K extends TypeToken | undefined = undefined>(
    key: string,
    type?: K,
  ): Promise<Record<string, ValueOf<K>>>;
  hgetall(key: string, type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    return attempt(() => this.#runner.run(hgetallOp(key, type), options?.conn));
  }

  /** Deletes hash fields; how many existed. */
  hdel(key: string, ...args: [...fields: string[], options: ConnOption]): Promise<undefined>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  hdel(key: string, ...args: (string | ConnOption)[]): Promise<number | undefined> {
    return attempt(() => {
      const { names, conn } = splitNames('hdel', args);
      return this.#runner.run(hdelOp(key, names), conn);
    });
  }

  /**
   * Pushes items at the head of a list (the last one ends up first); the list's new length. A
   * trailing `{ type }` checks and encodes the items as that type; `{ conn }` queues.
   */
  lpush(
    key: string,
    ...args: [...items: unknown[], options: ConnOption & TypeOption<TypeToken>]
  ): Promise<undefined>;
  lpush<K extends TypeToken>(
    key: string,
    ...args: [...items: Decoded<K>[], options: { readonly type: K }]
  ): Promise<number>;
  lpush(key: string, ...items: unknown[]): Promise<number>;
  lpush(key: string, ...args: unknown[]): Promise<number | undefined> {
    return this.#push('lpush', key, args);
  }

  /** Appends items to a list; the list's new length. Trailing options as for `lpush`. */
  rpush(
    key: string,
    ...args: [...items: unknown[], options: ConnOption & TypeOption<TypeToken>]
  ): Promise<undefined>;
  rpush<K extends TypeToken>(
    key: string,
    ...args: [...items: Decoded<K>[], options: { readonly type: K }]
  ): Promise<number>;
  rpush(key: string, ...items: unknown[]): Promise<number>;
  rpush(key: string, ...args: unknown[]): Promise<number | undefined> {
    return this.#push('rpush', key, args);
  }

  /** Items `start`..`stop` of a list (inclusive; negative counts from the end), decoded. */
  lrange(
    key: string,
    start: number,
    stop: number,
    type: TypeToken | undefined,
    options: ConnOption,
  ): Promise<undefined>;
  lrange<K extends TypeToken | undefined = undefined>(
    key: string,
    start: number,
    stop: number,
    type?: K,
  ): Promise<ValueOf<K>[]>;
  lrange(
    key: string,
    start: number,
    stop: number,
    type?: TypeToken,
    options?: Partial<ConnOption>,
  ): Promise<unknown> {
    return attempt(() => this.#runner.run(lrangeOp(key, start, stop, type), options?.conn));
  }

  /** Removes and returns up to `count` (default 1) items from the head: always a list. */
  lpop(
    key: string,
    count: number | undefined,
    type: TypeToken | undefined,
    options: ConnOption,
  ): Promise<undefined>;
  lpop<K extends TypeToken | undefined = undefined>(
    key: string,
    count?: number,
    type?: K,
  ): Promise<ValueOf<K>[]>;
  lpop(key: string, count = 1, type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    return attempt(() => this.#runner.run(popOp('lpop', key, count, type), options?.conn));
  }

  /** Removes and returns up to `count` (default 1) items from the tail: always a list. */
  rpop(
    key: string,
    count: number | undefined,
    type: TypeToken | undefined,
    options: ConnOption,
  ): Promise<undefined>;
  rpop<K extends TypeToken | undefined = undefined>(
    key: string,
    count?: number,
    type?: K,
  ): Promise<ValueOf<K>[]>;
  rpop(key: string, count = 1, type?: TypeToken, options?: Partial<ConnOption>): Promise<unknown> {
    return attempt(() => this.#runner.run(popOp('rpop', key, count, type), options?.conn));
  }

  /** The length of a list (0 when it does not exist). */
  llen(key: string, options: ConnOption): Promise<undefined>;
  llen(key: string): Promise<number>;
  llen(key: string, options?: Partial<ConnOption>): Promise<number | undefined> {
    return this.#runner.run(llenOp(key), options?.conn);
  }

  /**
   * The value of `key`; when there is none, `loader`'s — run once across every process that
   * asks at the same time (see docs/cache.md). Rejects with `CacheLoaderError` when the loader
   * failed (for every caller that waited for it) and `CacheLoadTimeoutError` after `timeout`.
   */
  async getOrSet<K extends TypeToken | undefined = undefined>(
    key: string,
    loader: () => Promise<ValueOf<K>> | ValueOf<K>,
    options: GetOrSetOptions<K> = {},
  ): Promise<ValueOf<K>> {
    const cached = await this.#runner.readOne(key, options.type as K, this.#metrics.getOrSet);
    if (cached !== null) return cached;
    const near = this.#near;
    if (near === undefined) return this.#getOrSet.load(key, loader, options);
    // The value is stored by a script: drop the `null` read above at once, not on the invalidation.
    near.invalidate([key]);
    return this.#getOrSet.load(key, loader, options).finally(() => {
      near.invalidate([key]);
    });
  }

  #push(name: 'lpush' | 'rpush', key: string, args: readonly unknown[]): Promise<number | undefined> {
    return attempt(() => {
      const { items, type, conn } = splitItems(args);
      return this.#runner.run(pushOp(this.#ctx, name, key, items, type), conn);
    });
  }

  get #client(): RedisClient {
    return this.transport.client;
  }

  get #ctx(): OpContext {
    this.#context ??= opContextOf(this.settings, this.transport.isCluster, this.#metrics.decodeErrors);
    return this.#context;
  }

  get #getOrSet(): GetOrSetCoordinator {
    if (this.#loads === undefined) {
      const notifier = new LoadNotifier(() => this.transport.duplicate(), this.logger);
      this.#notifier = notifier;
      this.#loads = new GetOrSetCoordinator({
        client: () => this.#client,
        context: () => this.#ctx,
        notifier,
        logger: this.logger,
      });
    }
    return this.#loads;
  }
}
