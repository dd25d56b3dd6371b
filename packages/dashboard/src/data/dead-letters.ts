// A topic's dead letters: listed newest first, replayed to the topic exactly once, deleted.
import { deadLetterKey, defineLuaScripts, readLuaScript, runLuaScript, type LuaScript } from '@keel/redis';
import type { DashboardRedis } from './dashboard-redis.js';
import { decodeEntry, rangeEntries, type DecodedEntry } from './entry-decoder.js';
import type { JsonValue } from './json-safe.js';
import { requireTopicStream } from './stream-detail.js';
import { nextBefore, revRange, type EntryPageOptions } from './stream-entries.js';

const replayScript: LuaScript = readLuaScript(new URL('./dead-replay.lua', import.meta.url));

/** The fields the listener appends to a dead-letter entry (docs/streams.md). */
const DEAD_FIELDS = new Set(['_error', '_id', '_group', '_consumer', '_deliveries', '_at']);
/** Ids per replay script call / XDEL. */
const BATCH = 100;
/** Bound on the entries one "all" request replays or deletes. */
export const MAX_ALL = 100_000;

/** A dead-letter entry: the original message, decoded, and why it was dead-lettered. */
export interface DeadLetter extends DecodedEntry {
  /** `_error`: the JSON-RPC error (`code`, `message`, `data`), `keelCode`, `reason`. */
  readonly failure: JsonValue;
  readonly deliveries: number | null;
  /** The entry's id in the topic stream. */
  readonly originalId: string | null;
  readonly group: string | null;
  readonly consumer: string | null;
  /** When it was dead-lettered (ISO 8601). */
  readonly deadAt: string | null;
}

/** A page of dead letters. */
export interface DeadLetterPage {
  readonly key: string;
  readonly length: number;
  readonly entries: readonly DeadLetter[];
  readonly next: string | null;
}

/** What a replay did, per requested id. */
export interface ReplayResult {
  /** Replayed: the dead-letter id and the new entry's id in the topic stream. */
  readonly replayed: readonly { readonly id: string; readonly newId: string }[];
  /** Not (or no longer) in the dead-letter stream. */
  readonly missing: readonly string[];
  /** Kept: no original field to replay. */
  readonly unreplayable: readonly string[];
}

/** The topic's dead letters, newest first. */
export async function deadLetters(
  redis: DashboardRedis,
  stream: string,
  options: EntryPageOptions,
): Promise<DeadLetterPage> {
  const key = deadLetterKey(requireTopicStream(stream));
  const [entries, length] = await Promise.all([revRange(redis, key, options), redis.client.xlen(key)]);
  return {
    key,
    length,
    entries: entries.map(({ id, fields }) => deadLetterOf(id, fields)),
    next: nextBefore(entries, options.count),
  };
}

function deadLetterOf(id: string, fields: Buffer[] | null): DeadLetter {
  const list = fields ?? [];
  let n = list.length - (list.length % 2);
  const dead = new Map<string, string>();
  while (n >= 2) {
    const name = list[n - 2]?.toString('utf8') ?? '';
    if (!DEAD_FIELDS.has(name)) break;
    dead.set(name, list[n - 1]?.toString('utf8') ?? '');
    n -= 2;
  }
  const deliveries = Number(dead.get('_deliveries'));
  return {
    ...decodeEntry(id, list.slice(0, n)),
    failure: parseFailure(dead.get('_error')),
    deliveries: Number.isFinite(deliveries) ? deliveries : null,
    originalId: dead.get('_id') ?? null,
    group: dead.get('_group') ?? null,
    consumer: dead.get('_consumer') ?? null,
    deadAt: dead.get('_at') ?? null,
  };
}

function parseFailure(text: string | undefined): JsonValue {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * Replays dead letters to `stream` with one script per 100 ids (XADD to the topic and XDEL from
 * the dead-letter stream, atomically, in the topic's slot): each entry is replayed once even
 * when several replays of it run at the same time.
 */
export async function replayDeadLetters(
  redis: DashboardRedis,
  stream: string,
  ids: readonly string[],
): Promise<ReplayResult> {
  const keys = [requireTopicStream(stream), deadLetterKey(stream)];
  defineLuaScripts(redis.client, [replayScript]);
  const replayed: { id: string; newId: string }[] = [];
  const missing: string[] = [];
  const unreplayable: string[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const reply = (await runLuaScript(redis.client, replayScript, keys, batch)) as (string | number)[];
    batch.forEach((id, index) => {
      const outcome = reply[index];
      if (typeof outcome === 'string') replayed.push({ id, newId: outcome });
      else if (outcome === -1) unreplayable.push(id);
      else missing.push(id);
    });
  }
  return { replayed, missing, unreplayable };
}

/** Deletes dead letters of `stream` by id; resolves with how many were deleted. */
export async function deleteDeadLetters(
  redis: DashboardRedis,
  stream: string,
  ids: readonly string[],
): Promise<number> {
  const key = deadLetterKey(requireTopicStream(stream));
  let deleted = 0;
  for (let start = 0; start < ids.length; start += BATCH * 5) {
    deleted += await redis.client.xdel(key, ...ids.slice(start, start + BATCH * 5));
  }
  return deleted;
}

/**
 * The ids of every dead letter of `stream` present now (oldest first, at most {@link MAX_ALL}):
 * entries dead-lettered after this call are not included, so "replay all" cannot loop on a
 * message that fails again.
 */
export async function allDeadLetterIds(redis: DashboardRedis, stream: string): Promise<string[]> {
  const key = deadLetterKey(requireTopicStream(stream));
  const [last] = rangeEntries(await redis.client.callBuffer('XREVRANGE', key, '+', '-', 'COUNT', 1));
  if (last === undefined) return [];
  const ids: string[] = [];
  let start = '-';
  while (ids.length < MAX_ALL) {
    const page = rangeEntries(
      await redis.client.callBuffer(
        'XRANGE',
        key,
        start,
        last.id,
        'COUNT',
        Math.min(1000, MAX_ALL - ids.length),
      ),
    );
    for (const entry of page) ids.push(entry.id);
    const tail = page.at(-1);
    if (tail === undefined || tail.id === last.id) break;
    start = `(${tail.id}`;
  }
  return ids;
}
