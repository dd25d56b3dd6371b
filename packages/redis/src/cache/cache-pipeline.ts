import type { RedisClient } from '../transport/redis-client.js';
import type { Decoded, TypeToken } from './codec/type-token.js';
import type { CacheOp, OpContext } from './cache-op.js';
import type {
  CacheResult,
  CacheResults,
  HashFields,
  MsetEntries,
  MsetOptions,
  SetOptions,
  SetResult,
  TypeOption,
  ValueOf,
} from './cache-types.js';
import { executeCommands } from './execute-commands.js';
import { hdelOp, hgetallOp, hgetOp, hsetOp } from './hash-ops.js';
import { llenOp, lrangeOp, popOp, pushOp } from './list-ops.js';
import { CacheDecodeError } from './codec/cache-decode-error.js';
import type { CacheCommand } from './redis-command.js';
import { countKeysOp, expireOp, getOp, mgetOp, msetOp, setOp, ttlOp } from './string-ops.js';
import { splitItems } from './trailing-options.js';
import { toError } from '@keel/core';

/**
 * A typed pipeline of cache commands (`cache.pipeline()`): the methods of `RedisCache`, with the
 * same `type` arguments, queue their command and return the pipeline; `exec()` sends everything
 * in one round trip (in a cluster: one pipeline per node, in parallel) and resolves with one
 * `{ ok: true, value }` or `{ ok: false, error }` per call, in order, values decoded and typed.
 *
 * ```ts
 * const [user, visits, missing] = await cache.pipeline()
 *   .get('user:1', UserType)
 *   .hget('visits', 'user:1', Number)
 *   .get('user:404', UserType)
 *   .exec();
 * if (user.ok) console.log(user.value?.name);
 * ```
 *
 * A command that fails — a Redis error, a value of another type (`CacheDecodeError`), a value
 * that cannot be written (`CacheEncodeError`, `CacheValueTooLargeError`: that command is not
 * sent) — fails alone. `exec()` may be called again: it sends the same commands again.
 */
export class CachePipeline<R extends readonly unknown[] = []> {
  readonly #ops: (CacheOp<unknown> | Error)[] = [];

  /** @internal made by `RedisCache.pipeline()`. */
  constructor(
    private readonly client: () => RedisClient,
    private readonly context: OpContext,
  ) {}

  /** Number of queued calls. */
  get length(): number {
    return this.#ops.length;
  }

  /** Queues `get` (see `RedisCache.get`). */
  get<K extends TypeToken | undefined = undefined>(
    key: string,
    type?: K,
  ): CachePipeline<[...R, ValueOf<K> | null]> {
    return this.#add(() => getOp(key, type as K));
  }

  /** Queues `set` (see `RedisCache.set`). */
  set<K extends TypeToken | undefined = undefined, G extends boolean = false>(
    key: string,
    value: ValueOf<K>,
    options: SetOptions<K, G> = {},
  ): CachePipeline<[...R, SetResult<K, G>]> {
    return this.#add(() => setOp(this.context, key, value, options) as CacheOp<SetResult<K, G>>);
  }

  /** Queues `delete` (see `RedisCache.delete`). */
  delete(...keys: string[]): CachePipeline<[...R, number]> {
    return this.#add(() => countKeysOp(this.context, 'del', keys));
  }

  /** Queues `exists` (see `RedisCache.exists`). */
  exists(...keys: string[]): CachePipeline<[...R, number]> {
    return this.#add(() => countKeysOp(this.context, 'exists', keys));
  }

  /** Queues `mget` (see `RedisCache.mget`). */
  mget<K extends TypeToken | undefined = undefined>(
    keys: readonly string[],
    type?: K,
  ): CachePipeline<[...R, (ValueOf<K> | null)[]]> {
    return this.#add(() => mgetOp(this.context, keys, type as K));
  }

  /** Queues `mset` (see `RedisCache.mset`). */
  mset<K extends TypeToken | undefined = undefined>(
    entries: MsetEntries<ValueOf<K>>,
    options: MsetOptions<K> = {},
  ): CachePipeline<[...R, undefined]> {
    return this.#add(() => msetOp(this.context, entries, options));
  }

  /** Queues `expire` (see `RedisCache.expire`). */
  expire(key: string, ttl: number): CachePipeline<[...R, boolean]> {
    return this.#add(() => expireOp(key, ttl));
  }

  /** Queues `ttl` (see `RedisCache.ttl`). */
  ttl(key: string): CachePipeline<[...R, number]> {
    return this.#add(() => ttlOp(key));
  }

  /** Queues `hset` (see `RedisCache.hset`). */
  hset<K extends TypeToken | undefined = undefined>(
    key: string,
    fields: HashFields<ValueOf<K>>,
    options: TypeOption<K> = {},
  ): CachePipeline<[...R, number]> {
    return this.#add(() => hsetOp(this.context, key, fields, options.type));
  }

  /** Queues `hget` (see `RedisCache.hget`). */
  hget<K extends TypeToken | undefined = undefined>(
    key: string,
    field: string,
    type?: K,
  ): CachePipeline<[...R, ValueOf<K> | null]> {
    return this.#add(() => hgetOp(key, field, type as K));
  }

  /** Queues `hgetall` (see `RedisCache.hgetall`). */
  hgetall<K extends TypeToken | undefined = undefined>(
    key: string,
    type?: K,
  ): CachePipeline<[...R, Record<string, ValueOf<K>>]> {
    return this.#add(() => hgetallOp(key, type as K));
  }

  /** Queues `hdel` (see `RedisCache.hdel`). */
  hdel(key: string, ...fields: string[]): CachePipeline<[...R, number]> {
    return this.#add(() => hdelOp(key, fields));
  }

  /** Queues `lpush` (see `RedisCache.lpush`); a trailing `{ type }` types the items. */
  lpush<K extends TypeToken>(
    key: string,
    ...args: [...items: Decoded<K>[], options: { readonly type: K }]
  ): CachePipeline<[...R, number]>;
  lpush(key: string, ...items: unknown[]): CachePipeline<[...R, number]>;
  lpush(key: string, ...args: unknown[]): CachePipeline<[...R, number]> {
    return this.#push('lpush', key, args);
  }

  /** Queues `rpush` (see `RedisCache.rpush`); a trailing `{ type }` types the items. */
  rpush<K extends TypeToken>(
    key: string,
    ...args: [...items: Decoded<K>[], options: { readonly type: K }]
  ): CachePipeline<[...R, number]>;
  rpush(key: string, ...items: unknown[]): CachePipeline<[...R, number]>;
  rpush(key: string, ...args: unknown[]): CachePipeline<[...R, number]> {
    return this.#push('rpush', key, args);
  }

  /** Queues `lrange` (see `RedisCache.lrange`). */
  lrange<K extends TypeToken | undefined = undefined>(
    key: string,
    start: number,
    stop: number,
    type?: K,
  ): CachePipeline<[...R, ValueOf<K>[]]> {
    return this.#add(() => lrangeOp(key, start, stop, type as K));
  }

  /** Queues `lpop` (see `RedisCache.lpop`). */
  lpop<K extends TypeToken | undefined = undefined>(
    key: string,
    count = 1,
    type?: K,
  ): CachePipeline<[...R, ValueOf<K>[]]> {
    return this.#add(() => popOp('lpop', key, count, type as K));
  }

  /** Queues `rpop` (see `RedisCache.rpop`). */
  rpop<K extends TypeToken | undefined = undefined>(
    key: string,
    count = 1,
    type?: K,
  ): CachePipeline<[...R, ValueOf<K>[]]> {
    return this.#add(() => popOp('rpop', key, count, type as K));
  }

  /** Queues `llen` (see `RedisCache.llen`). */
  llen(key: string): CachePipeline<[...R, number]> {
    return this.#add(() => llenOp(key));
  }

  /**
   * Sends every queued command and resolves with their outcomes, in order. Never rejects for a
   * failed command: each outcome is `{ ok: true, value }` or `{ ok: false, error }`.
   */
  async exec(): Promise<CacheResults<R>> {
    const ops = [...this.#ops];
    const commands: CacheCommand[] = [];
    for (const op of ops) if (!(op instanceof Error)) commands.push(...op.commands);
    const replies = await executeCommands(this.client(), commands);
    let offset = 0;
    const results = ops.map((op): CacheResult<unknown> => {
      if (op instanceof Error) return { ok: false, error: op };
      const own = replies.slice(offset, offset + op.commands.length);
      offset += op.commands.length;
      try {
        return { ok: true, value: op.finish(own) };
      } catch (error) {
        if (error instanceof CacheDecodeError) this.context.decodeErrors.inc();
        return { ok: false, error: toError(error) };
      }
    });
    return results as unknown as CacheResults<R>;
  }

  #push(name: 'lpush' | 'rpush', key: string, args: readonly unknown[]): CachePipeline<[...R, number]> {
    return this.#add(() => {
      const { items, type } = splitItems(args);
      return pushOp(this.context, name, key, items, type);
    });
  }

  /** Queues an op; an op that cannot be built (a value that cannot be encoded) is its own error. */
  #add<T>(build: () => CacheOp<T>): CachePipeline<[...R, T]> {
    try {
      this.#ops.push(build());
    } catch (error) {
      this.#ops.push(toError(error));
    }
    return this as unknown as CachePipeline<[...R, T]>;
  }
}
