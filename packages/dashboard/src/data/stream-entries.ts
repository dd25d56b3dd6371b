// Pages through a stream's entries, newest first, decoded from the wire format.
import type { DashboardRedis } from './dashboard-redis.js';
import { decodeEntry, rangeEntries, type DecodedEntry } from './entry-decoder.js';
import { requireStreamId } from './stream-id.js';
import { requireTopicStream } from './stream-detail.js';

/** A page of entries and the `before` of the next (older) page, `null` at the end. */
export interface EntryPage {
  readonly entries: readonly DecodedEntry[];
  readonly next: string | null;
}

/** Options of {@link streamEntries}. */
export interface EntryPageOptions {
  /** Entries older than this id (exclusive); none: from the newest. */
  readonly before?: string | undefined;
  readonly count: number;
}

/**
 * `XREVRANGE <key> (<before> - COUNT <count>`: one page, newest first, each entry decoded.
 * Costs `O(log n + count)` on a stream of any length.
 */
export async function streamEntries(
  redis: DashboardRedis,
  key: string,
  options: EntryPageOptions,
): Promise<EntryPage> {
  const entries = await revRange(redis, requireTopicStream(key), options);
  return {
    entries: entries.map(({ id, fields }) => decodeEntry(id, fields)),
    next: nextBefore(entries, options.count),
  };
}

/** One `XREVRANGE` page of `key` (any stream) with Buffer fields. */
export async function revRange(
  redis: DashboardRedis,
  key: string,
  options: EntryPageOptions,
): Promise<{ id: string; fields: Buffer[] | null }[]> {
  const end = options.before === undefined ? '+' : `(${requireStreamId(options.before, 'before')}`;
  return rangeEntries(await redis.client.callBuffer('XREVRANGE', key, end, '-', 'COUNT', options.count));
}

/** The `next` of a page: its last id when it was full. */
export function nextBefore(entries: readonly { id: string }[], count: number): string | null {
  return entries.length === count ? (entries.at(-1)?.id ?? null) : null;
}
