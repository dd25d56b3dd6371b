import type { RedisClient } from '../transport/redis-client.js';
import { parseFallbackEntry, serializeForFallback, type ForwardedEvent } from './forwarded-event.js';

/**
 * The fallback list: events the sink could not take, in order, in a Redis list. `RPUSH` at the
 * tail (with `LTRIM -cap -1` when capped, dropping the oldest), read from the head with `LRANGE`
 * and removed with `LTRIM` once delivered.
 */
export class FallbackBuffer {
  readonly #client: RedisClient;
  readonly #key: string;
  readonly #cap: number;

  /** `cap` > 0: keep at most `cap` events (dropping the oldest); `0`: unlimited. */
  constructor(client: RedisClient, key: string, cap: number) {
    this.#client = client;
    this.#key = key;
    this.#cap = cap;
  }

  get key(): string {
    return this.#key;
  }

  /** Appends events; resolves with the list length (after trimming). */
  async push(events: readonly ForwardedEvent[]): Promise<number> {
    if (events.length === 0) return this.length();
    const pipeline = this.#client.pipeline().rpush(this.#key, ...events.map(serializeForFallback));
    if (this.#cap > 0) pipeline.ltrim(this.#key, -this.#cap, -1);
    pipeline.llen(this.#key);
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error !== null) throw error;
    return Number(results?.at(-1)?.[1] ?? 0);
  }

  /** The oldest `count` entries, decoded (`undefined` for an entry that is not an event). */
  async peek(count: number): Promise<(ForwardedEvent | undefined)[]> {
    const raw = await this.#client.lrange(this.#key, 0, count - 1);
    return raw.map(parseFallbackEntry);
  }

  /** Removes the oldest `count` entries. */
  async drop(count: number): Promise<void> {
    if (count > 0) await this.#client.ltrim(this.#key, count, -1);
  }

  async length(): Promise<number> {
    return this.#client.llen(this.#key);
  }
}
