import type { Logger } from '@keel/core';
import { Redis } from 'ioredis';
import { keySlot } from '../../cluster/key-slot.js';
import type { RedisClient } from '../../transport/redis-client.js';
import { NearCacheStore, type NearCacheLimits } from './near-cache-store.js';
import { TrackingPair } from './tracking-pair.js';

/** Wait after a failed attempt to open a node's tracking connections before trying again, in ms. */
const REOPEN_DELAY_MS = 1000;

/**
 * Wait after a pair was lost before reopening it, in ms: long enough for a closing server to be
 * gone, short enough that caching resumes at once after a plain reconnect.
 */
const RELOST_DELAY_MS = 100;

/** Replies on which a read falls back to the transport's client (a moved slot, a failover...). */
const REROUTE_ERROR = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|LOADING|READONLY)\b/;

/** Counters of a {@link NearCache}, for tests and metrics. */
export interface NearCacheStats {
  /** Reads answered from process memory. */
  readonly hits: number;
  /** Reads that went to Redis. */
  readonly misses: number;
  /** Entries kept now. */
  readonly entries: number;
  /** Bytes the entries count for. */
  readonly bytes: number;
  /** Times everything was dropped (FLUSHALL, a lost connection, close). */
  readonly flushes: number;
  /** Invalidation messages received from Redis. */
  readonly invalidations: number;
}

interface NodeState {
  pair: TrackingPair | undefined;
  opening: Promise<void> | undefined;
  retryAt: number;
  /** Failed attempts to open in a row (only the first is logged as a warning). */
  failures: number;
  /** The pending reopen after a loss or a failed attempt. */
  reopen: NodeJS.Timeout | undefined;
}

/** Entry id of a string value. */
function valueId(key: string): string {
  return `v${key}`;
}

/** Entry id of a hash field (the key's length keeps key and field apart). */
function fieldId(key: string, field: string): string {
  return `f${key.length}:${key}${field}`;
}

/**
 * A process-local cache of `GET` and `HGET` replies kept correct by Redis client tracking.
 *
 * Cached reads run on connections of its own, one {@link TrackingPair} per server (per master
 * in a cluster, chosen by the key's slot): a reader with `CLIENT TRACKING ON REDIRECT` and a
 * subscriber to `__redis__:invalidate`. Every invalidation drops the key's entries; a `null`
 * one (FLUSHALL/FLUSHDB) or the loss of any of these connections drops everything. While a
 * server's pair is not ready (opening, or reopening after a loss), reads of its keys go to the
 * transport's client and are not cached. A lost or failed pair is reopened on a timer (not only
 * on the next read) for as long as its server is one the transport's client uses: after a
 * Sentinel failover the next pair connects to the new primary, and after a cluster failover the
 * old master's name is dropped once the client's slot map no longer lists it.
 */
export class NearCache {
  readonly #client: () => RedisClient;
  readonly #logger: Logger;
  readonly #store: NearCacheStore;
  readonly #nodes = new Map<string, NodeState>();
  #closed = false;
  #hits = 0;
  #misses = 0;
  #flushes = 0;
  #invalidations = 0;

  constructor(client: () => RedisClient, limits: NearCacheLimits, logger: Logger) {
    this.#client = client;
    this.#store = new NearCacheStore(limits);
    this.#logger = logger;
  }

  /** Current counters. */
  stats(): NearCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#store.size,
      bytes: this.#store.bytes,
      flushes: this.#flushes,
      invalidations: this.#invalidations,
    };
  }

  /** True when `GET key` is answered from memory. */
  hasValue(key: string): boolean {
    return this.#store.has(valueId(key));
  }

  /** True when `HGET key field` is answered from memory. */
  hasField(key: string, field: string): boolean {
    return this.#store.has(fieldId(key, field));
  }

  /** True when the tracking connections for `key`'s server are up (its reads can be cached). */
  isTracking(key: string): boolean {
    return this.#nodes.get(this.#nodeOf(key)?.name ?? '')?.pair?.ready === true;
  }

  /** Opens the tracking connections of every server now (else they open on first read). */
  async warmUp(): Promise<void> {
    const client = this.#client();
    const masters = client instanceof Redis ? [client] : client.nodes('master');
    await Promise.all(masters.map((node) => this.#open(nodeName(node), node)));
  }

  /** The raw value of `key` (`null` when missing), from memory or read with `GET`. */
  getValue(key: string): Promise<Buffer | null> {
    return this.#read(key, valueId(key), (reader) => reader.getBuffer(key));
  }

  /** The raw value of a hash field (`null` when missing), from memory or read with `HGET`. */
  getField(key: string, field: string): Promise<Buffer | null> {
    return this.#read(key, fieldId(key, field), (reader) => reader.hgetBuffer(key, field));
  }

  /** Drops the entries of `keys` at once (a write through this process). */
  invalidate(keys: Iterable<string>): void {
    for (const key of keys) this.#store.invalidate(key);
  }

  /** Drops every entry. */
  flush(): void {
    this.#flushes += 1;
    this.#store.clear();
  }

  /** Closes the tracking connections and drops every entry; reads then go to the client. */
  close(): void {
    this.#closed = true;
    for (const state of this.#nodes.values()) {
      clearTimeout(state.reopen);
      state.pair?.close();
    }
    this.#nodes.clear();
    this.flush();
  }

  async #read(
    key: string,
    id: string,
    read: (reader: Redis) => Promise<Buffer | null>,
  ): Promise<Buffer | null> {
    const cached = this.#store.get(id);
    if (cached !== undefined) {
      this.#hits += 1;
      return cached;
    }
    this.#misses += 1;
    const pair = this.#readyPair(key);
    const reader = pair?.reader;
    if (pair === undefined || reader === undefined) return read(this.#fallbackReader());
    const ticket = this.#store.begin(key);
    let bytes: Buffer | null;
    try {
      bytes = await read(reader);
    } catch (error) {
      this.#store.finish(ticket, id);
      if (pair.ready && !(error instanceof Error && REROUTE_ERROR.test(error.message))) throw error;
      return read(this.#fallbackReader());
    }
    // Stored only while the pair still tracks, and if nothing invalidated the key meanwhile.
    this.#store.finish(ticket, id, pair.ready ? bytes : undefined);
    return bytes;
  }

  /** The transport's client, typed as a plain client for `getBuffer`/`hgetBuffer`. */
  #fallbackReader(): Redis {
    return this.#client() as Redis;
  }

  /** The ready pair of `key`'s server; starts opening one (without waiting) when there is none. */
  #readyPair(key: string): TrackingPair | undefined {
    if (this.#closed) return undefined;
    const node = this.#nodeOf(key);
    if (node === undefined) return undefined;
    const state = this.#nodes.get(node.name);
    if (state?.pair?.ready === true) return state.pair;
    if (state?.opening === undefined && (state?.retryAt ?? 0) <= Date.now()) {
      this.#open(node.name, node.base).catch(() => undefined);
    }
    return undefined;
  }

  /** The server `key` lives on: its name and a client of the transport to duplicate. */
  #nodeOf(key: string): { name: string; base: Redis } | undefined {
    const client = this.#client();
    if (client instanceof Redis) return { name: nodeName(client), base: client };
    const name = client.slots[keySlot(key)]?.[0];
    if (name === undefined) return undefined;
    const base = this.#serverNamed(name);
    return base === undefined ? undefined : { name, base };
  }

  #open(name: string, base: Redis): Promise<void> {
    let state = this.#nodes.get(name);
    if (state === undefined) {
      state = { pair: undefined, opening: undefined, retryAt: 0, failures: 0, reopen: undefined };
      this.#nodes.set(name, state);
    }
    if (state.pair?.ready === true) return Promise.resolve();
    if (state.opening !== undefined) return state.opening;
    const current = state;
    const pair = new TrackingPair(base, {
      invalidate: (keys) => {
        this.#invalidations += 1;
        if (keys === null) this.flush();
        else this.invalidate(keys);
      },
      lost: (lostPair) => {
        this.#logger.warn({ node: name }, 'near cache lost its tracking connection; flushed');
        if (current.pair === lostPair) current.pair = undefined;
        this.flush();
        this.#scheduleReopen(name, current, RELOST_DELAY_MS);
      },
    });
    current.opening = pair
      .open()
      .then(() => {
        if (this.#closed) {
          pair.close();
          return;
        }
        current.pair = pair;
        current.failures = 0;
        this.#logger.debug({ node: name }, 'near cache tracking on');
      })
      .catch((error: unknown) => {
        current.retryAt = Date.now() + REOPEN_DELAY_MS;
        current.failures += 1;
        const details = { node: name, error: error instanceof Error ? error.message : String(error) };
        const message = 'near cache could not open its tracking connections; reads are not cached meanwhile';
        if (current.failures === 1) this.#logger.warn(details, message);
        else this.#logger.debug(details, message);
        this.#scheduleReopen(name, current, REOPEN_DELAY_MS);
        throw error;
      })
      .finally(() => {
        current.opening = undefined;
      });
    return current.opening;
  }

  /** Reopens `name`'s pair after `delayMs`, if the transport's client still uses that server. */
  #scheduleReopen(name: string, state: NodeState, delayMs: number): void {
    if (this.#closed || state.reopen !== undefined) return;
    state.reopen = setTimeout(() => {
      state.reopen = undefined;
      if (this.#closed || this.#nodes.get(name) !== state) return;
      const base = this.#serverNamed(name);
      if (base === undefined) {
        this.#nodes.delete(name); // a former cluster master: its slots are served elsewhere now
        return;
      }
      this.#open(name, base).catch(() => undefined);
    }, delayMs);
    state.reopen.unref();
  }

  /** The client of the transport for the server called `name`, if the client still uses it. */
  #serverNamed(name: string): Redis | undefined {
    const client = this.#client();
    if (client instanceof Redis) return nodeName(client) === name ? client : undefined;
    return client.nodes('master').find((node) => nodeName(node) === name);
  }
}

function nodeName(node: Redis): string {
  return `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`;
}
