import type { TypeToken } from './codec/type-token.js';
import { CacheArgumentError } from './cache-argument-error.js';
import { constantOp, singleOp, sumReplies, type CacheOp, type OpContext } from './cache-op.js';
import { msetPxScript } from './cache-scripts.js';
import type { ReadCounts } from './cache-prometheus.js';
import type { MsetEntries, SetOptions, ValueOf } from './cache-types.js';
import { groupBySlot } from './group-by-slot.js';
import { replyValue, type CacheCommand, type RedisArg } from './redis-command.js';
import { secondsToMs, writeTtlMs } from './ttl-ms.js';
import { decodeOrNull, encodeFor } from './value-coding.js';

/** GET: the value decoded as `type`, or `null` for a missing key. */
export function getOp<K extends TypeToken | undefined>(key: string, type: K): CacheOp<ValueOf<K> | null> {
  return singleOp({ name: 'get', args: [key], key, buffer: true }, (reply) => decodeOrNull(reply, type, key));
}

/**
 * The arguments of the `SET` of a cache write: the key, the value encoded (and checked) for
 * `type`, then PX (its ttl or the default), NX/XX and GET as `options` ask.
 */
export function setArgs(
  context: OpContext,
  key: string,
  value: unknown,
  options: SetOptions<TypeToken | undefined>,
): RedisArg[] {
  if (options.nx === true && options.xx === true) {
    throw new CacheArgumentError('set: nx and xx exclude each other', { key });
  }
  const ttlMs = writeTtlMs(options.ttl, context.defaultTtlMs);
  const args: RedisArg[] = [key, encodeFor(context, key, value, options.type)];
  if (ttlMs !== undefined) args.push('PX', ttlMs);
  if (options.nx === true) args.push('NX');
  else if (options.xx === true) args.push('XX');
  if (options.get === true) args.push('GET');
  return args;
}

/** Whether a `SET` without GET wrote (`OK`), rather than skipped by NX/XX (nil). */
export function setWrote(reply: unknown): boolean {
  return reply !== null;
}

/** SET with PX/NX/XX/GET: whether it wrote, or the previous value with `get`. */
export function setOp(
  context: OpContext,
  key: string,
  value: unknown,
  options: SetOptions<TypeToken | undefined>,
): CacheOp<unknown> {
  const args = setArgs(context, key, value, options);
  if (options.get !== true) return singleOp({ name: 'set', args, key, buffer: false }, setWrote);
  return singleOp({ name: 'set', args, key, buffer: true }, (reply) =>
    decodeOrNull(reply, options.type, key),
  );
}

/**
 * MGET, per slot in a cluster: values in the order of `keys`, `null` for missing ones; hits and
 * misses counted on `counts`, when given.
 */
export function mgetOp<K extends TypeToken | undefined>(
  context: OpContext,
  keys: readonly string[],
  type: K,
  counts?: ReadCounts,
): CacheOp<(ValueOf<K> | null)[]> {
  const groups = groupBySlot(keys, context.cluster);
  if (groups.length === 0) return constantOp([]);
  const commands = groups.map((group): CacheCommand => ({
    name: 'mget',
    args: group.keys,
    key: group.key,
    slot: group.slot,
    buffer: true,
  }));
  return {
    commands,
    finish(replies) {
      const values = new Array<ValueOf<K> | null>(keys.length);
      let misses = 0;
      groups.forEach((group, g) => {
        const reply = replyValue(replies[g]) as readonly unknown[];
        group.positions.forEach((position, i) => {
          const value = reply[i];
          if (value === null || value === undefined) misses += 1;
          values[position] = decodeOrNull(value, type, group.keys[i] ?? '');
        });
      });
      counts?.hits.inc(keys.length - misses);
      counts?.misses.inc(misses);
      return values;
    },
  };
}

/** The `[key, value]` pairs of a record, a Map or an iterable of pairs. */
function entriesOf(entries: MsetEntries<unknown>): (readonly [string, unknown])[] {
  if (entries instanceof Map) return [...(entries as ReadonlyMap<string, unknown>)];
  if (Symbol.iterator in entries) return [...(entries as Iterable<readonly [string, unknown]>)];
  return Object.entries(entries);
}

/**
 * MSET per slot; with a ttl, the `mset-px` script per slot (every key SET with PX, atomically).
 * Every value is encoded before any command exists, so one bad value writes nothing.
 */
export function msetOp(
  context: OpContext,
  entries: MsetEntries<unknown>,
  options: { readonly ttl?: number | undefined; readonly type?: TypeToken | undefined },
): CacheOp<undefined> {
  const ttlMs = writeTtlMs(options.ttl, context.defaultTtlMs);
  const pairs = entriesOf(entries);
  const values = new Map<string, Buffer>();
  const keys = pairs.map(([key, value]) => {
    if (typeof key !== 'string') throw new CacheArgumentError('mset: keys must be strings', { key });
    // A key given twice: the last value wins, as with MSET.
    values.set(key, encodeFor(context, key, value, options.type));
    return key;
  });
  const groups = groupBySlot([...new Set(keys)], context.cluster);
  if (groups.length === 0) return constantOp(undefined);
  const commands = groups.map((group): CacheCommand => {
    const encoded = group.keys.map((key) => values.get(key) as Buffer);
    if (ttlMs !== undefined) {
      return {
        script: msetPxScript,
        keys: group.keys,
        args: [ttlMs, ...encoded],
        key: group.key,
        slot: group.slot,
        buffer: false,
      };
    }
    const args: RedisArg[] = [];
    group.keys.forEach((key, i) => args.push(key, encoded[i] as Buffer));
    return { name: 'MSET', args, key: group.key, slot: group.slot, buffer: false };
  });
  return {
    commands,
    finish(replies) {
      for (const reply of replies) replyValue(reply);
      return undefined;
    },
  };
}

/** A multi-key integer command (DEL, EXISTS), per slot in a cluster, replies summed. */
export function countKeysOp(
  context: OpContext,
  name: 'del' | 'exists',
  keys: readonly string[],
): CacheOp<number> {
  const groups = groupBySlot(keys, context.cluster);
  if (groups.length === 0) return constantOp(0);
  const commands = groups.map((group): CacheCommand => ({
    name,
    args: group.keys,
    key: group.key,
    slot: group.slot,
    buffer: false,
  }));
  return { commands, finish: sumReplies };
}

/** PEXPIRE: whether the key exists (and now expires). A ttl ≤ 0 deletes the key. */
export function expireOp(key: string, ttl: number): CacheOp<boolean> {
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) {
    throw new CacheArgumentError(`expire: ttl must be a number of seconds, got ${String(ttl)}`, { key });
  }
  const ms = ttl <= 0 ? 0 : secondsToMs(ttl);
  return singleOp({ name: 'pexpire', args: [key, ms], key, buffer: false }, (reply) => Number(reply) === 1);
}

/** TTL: seconds left; -1 when the key has no expiry, -2 when it does not exist. */
export function ttlOp(key: string): CacheOp<number> {
  return singleOp({ name: 'ttl', args: [key], key, buffer: false }, Number);
}
