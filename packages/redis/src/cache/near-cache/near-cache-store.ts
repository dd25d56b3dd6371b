/** Bounds of a {@link NearCacheStore}. */
export interface NearCacheLimits {
  /** Most entries (a value or one hash field each) kept. */
  readonly maxKeys: number;
  /** Most bytes kept, counting each entry's stored bytes, its names and a fixed overhead. */
  readonly maxBytes: number;
}

/** A read in flight: it may store its reply only if nothing invalidated its key meanwhile. */
export interface ReadTicket {
  readonly key: string;
  readonly epoch: number;
  readonly version: number;
}

interface Entry {
  readonly key: string;
  /** The raw reply: the stored bytes, or `null` for a missing key or field. */
  readonly bytes: Buffer | null;
  readonly size: number;
}

interface Pending {
  version: number;
  readers: number;
}

/** Bookkeeping cost counted per entry on top of its bytes and names. */
const ENTRY_OVERHEAD = 64;

/**
 * The in-process part of the near cache: raw replies by entry id, least recently used first
 * out when over `maxKeys` or `maxBytes`, indexed by Redis key so that one invalidation drops a
 * value and every cached field of a hash.
 *
 * Reads that go to Redis take a {@link ReadTicket} first ({@link begin}) and store through
 * {@link finish}: an invalidation of the key (or a {@link clear}) while the read was in flight
 * makes `finish` drop the reply, so a value read before an invalidation never lands after it.
 */
export class NearCacheStore {
  readonly #limits: NearCacheLimits;
  /** Entries in least-recently-used-first order (a `Map` keeps insertion order). */
  readonly #entries = new Map<string, Entry>();
  readonly #idsByKey = new Map<string, Set<string>>();
  /** Version counters of keys with reads in flight only, so the map stays small. */
  readonly #pending = new Map<string, Pending>();
  #epoch = 0;
  #bytes = 0;

  constructor(limits: NearCacheLimits) {
    this.#limits = limits;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** How many bytes the entries count for (see {@link NearCacheLimits.maxBytes}). */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when `id` is cached (without touching its recency). */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** The cached reply of `id` (`null`: cached as missing), or `undefined` when not cached. */
  get(id: string): Buffer | null | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    return entry.bytes;
  }

  /** Starts a read of `key` from Redis; pair with {@link finish}. */
  begin(key: string): ReadTicket {
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = { version: 0, readers: 0 };
      this.#pending.set(key, pending);
    }
    pending.readers += 1;
    return { key, epoch: this.#epoch, version: pending.version };
  }

  /**
   * Ends a read: stores `bytes` under `id` when given and nothing invalidated the key since
   * {@link begin}. Returns whether it stored.
   */
  finish(ticket: ReadTicket, id: string, bytes?: Buffer | null): boolean {
    const pending = this.#pending.get(ticket.key);
    const current =
      pending !== undefined && pending.version === ticket.version && ticket.epoch === this.#epoch;
    if (pending !== undefined) {
      pending.readers -= 1;
      if (pending.readers <= 0) this.#pending.delete(ticket.key);
    }
    if (!current || bytes === undefined) return false;
    return this.#store(ticket.key, id, bytes);
  }

  /** Drops every entry of `key` and voids the reads of it in flight. */
  invalidate(key: string): void {
    const pending = this.#pending.get(key);
    if (pending !== undefined) pending.version += 1;
    const ids = this.#idsByKey.get(key);
    if (ids === undefined) return;
    for (const id of [...ids]) this.#remove(id);
  }

  /** Drops everything and voids every read in flight. */
  clear(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#idsByKey.clear();
    this.#bytes = 0;
  }

  #store(key: string, id: string, bytes: Buffer | null): boolean {
    // A copy: a reply may be a slice of a larger buffer that it would keep alive.
    const copy = bytes === null ? null : Buffer.from(bytes);
    const size = (copy?.length ?? 0) + 2 * (id.length + key.length) + ENTRY_OVERHEAD;
    if (size > this.#limits.maxBytes || this.#limits.maxKeys < 1) return false;
    this.#remove(id);
    this.#entries.set(id, { key, bytes: copy, size });
    this.#bytes += size;
    let ids = this.#idsByKey.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.#idsByKey.set(key, ids);
    }
    ids.add(id);
    this.#evict();
    return true;
  }

  #evict(): void {
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.#limits.maxKeys && this.#bytes <= this.#limits.maxBytes) return;
      this.#remove(id);
    }
  }

  #remove(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    this.#bytes -= entry.size;
    const ids = this.#idsByKey.get(entry.key);
    ids?.delete(id);
    if (ids?.size === 0) this.#idsByKey.delete(entry.key);
  }
}
