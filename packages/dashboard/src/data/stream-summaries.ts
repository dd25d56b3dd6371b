// Summaries of topic streams: length, first/last entry, groups, dead letters, pause lock.
import { deadLetterKey, parseGroupsInfo, pauseLockKey } from '@keel/redis';
import { runCommands, type DashboardCommand, type DashboardRedis } from './dashboard-redis.js';
import { parseTopicStreamKey } from './topic-stream-key.js';

/** One consumer group of a stream (`XINFO GROUPS`). */
export interface GroupSummary {
  readonly name: string;
  readonly consumers: number;
  /** Delivered, not acknowledged. */
  readonly pending: number;
  readonly lastDeliveredId: string;
  /** Not yet delivered to the group (Redis 7; `null` when Redis cannot tell). */
  readonly lag: number | null;
}

/** Who holds a topic's pause lock, and for how much longer (ms; `null`: no expiry). */
export interface PauseHolder {
  readonly holder: string;
  readonly ttlMs: number | null;
}

/** How a stream is trimmed, as its listeners in the serving app are configured. */
export type TrimMode = { readonly mode: 'delivered' } | { readonly mode: 'maxlen'; readonly size: number };

/** A topic stream at a glance. */
export interface StreamSummary {
  readonly key: string;
  readonly topic: string;
  readonly namespace: string;
  readonly env: string | null;
  readonly app: string | null;
  readonly shared: boolean;
  /** False when the key is gone (deleted since it was listed). */
  readonly exists: boolean;
  readonly length: number;
  readonly firstId: string | null;
  readonly lastId: string | null;
  /** Time of the first / last entry (from its id), ms since the epoch. */
  readonly firstAt: number | null;
  readonly lastAt: number | null;
  /** Entries ever added (Redis 7), `null` when unknown. */
  readonly entriesAdded: number | null;
  readonly groups: readonly GroupSummary[];
  /** Entries in the dead-letter stream. */
  readonly deadLetters: number;
  readonly pause: PauseHolder | null;
  /** Known only when the dashboard runs in an app that listens to the stream. */
  readonly trim: TrimMode | null;
}

/** Looks up the trim mode of a stream (from the serving app's listeners). */
export type TrimModeLookup = (key: string) => TrimMode | undefined;

const PER_KEY = 5;

/** The milliseconds part of a stream id. */
export function idTime(id: string | null): number | null {
  if (id === null) return null;
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Summaries of `keys`, in order: `XINFO STREAM`, `XINFO GROUPS`, `XLEN` of the dead-letter
 * stream and `GET`/`PTTL` of the pause lock for each key, in pipelines (one per cluster node).
 * Keys that are not topic streams are skipped.
 */
export async function streamSummaries(
  redis: DashboardRedis,
  keys: readonly string[],
  trimMode: TrimModeLookup = () => undefined,
): Promise<StreamSummary[]> {
  const parsed = keys.flatMap((key) => parseTopicStreamKey(key) ?? []);
  const commands: DashboardCommand[] = parsed.flatMap(({ key }) => {
    const lock = pauseLockKey(key);
    return [
      { key, name: 'XINFO', args: ['STREAM', key] },
      { key, name: 'XINFO', args: ['GROUPS', key] },
      { key: deadLetterKey(key), name: 'XLEN', args: [deadLetterKey(key)] },
      { key: lock, name: 'GET', args: [lock] },
      { key: lock, name: 'PTTL', args: [lock] },
    ];
  });
  const outcomes = await runCommands(redis, commands);
  return parsed.map((stream, index) => {
    const [info, groups, dead, holder, ttl] = outcomes.slice(index * PER_KEY, index * PER_KEY + PER_KEY);
    const fields = info?.error === null ? flatMap(info.value) : undefined;
    const firstId = entryId(fields?.get('first-entry'));
    const lastId = entryId(fields?.get('last-entry'));
    const added = fields?.get('entries-added');
    return {
      key: stream.key,
      topic: stream.topic,
      namespace: stream.namespace,
      env: stream.env ?? null,
      app: stream.app ?? null,
      shared: stream.shared,
      exists: fields !== undefined,
      length: Number(fields?.get('length') ?? 0),
      firstId,
      lastId,
      firstAt: idTime(firstId),
      lastAt: idTime(lastId),
      entriesAdded: added === undefined || added === null ? null : Number(added),
      groups: groups?.error === null ? parseGroupsInfo(groups.value) : [],
      deadLetters: dead?.error === null ? Number(dead.value) : 0,
      pause: pauseHolder(holder?.value, ttl?.value),
      trim: trimMode(stream.key) ?? null,
    };
  });
}

/** A pause lock's holder from its `GET` and `PTTL` replies. */
export function pauseHolder(holder: unknown, ttl: unknown): PauseHolder | null {
  if (typeof holder !== 'string') return null;
  const ms = Number(ttl);
  return { holder, ttlMs: Number.isFinite(ms) && ms >= 0 ? ms : null };
}

/** A flat `[name, value, …]` reply as a map. */
export function flatMap(reply: unknown): Map<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  const map = new Map<string, unknown>();
  const list = reply as unknown[];
  for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]), list[i + 1]);
  return map;
}

function entryId(entry: unknown): string | null {
  return Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : null;
}
