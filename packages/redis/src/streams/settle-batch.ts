import type { ChainableCommander } from 'ioredis';
import { type LuaScript, readLuaScript, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import type { EntryOutcome, RunnableEntry } from './message-runner.js';
import { errorObjectOf, type OutgoingReply } from './rpc-reply.js';
import { MESSAGE_FIELD } from './wire-format.js';

/** Moves entries to the dead-letter stream and acknowledges them, atomically. */
export const deadLetterScript: LuaScript = readLuaScript(new URL('./dead-letter.lua', import.meta.url));

/** Reply streams keep at most about this many entries (a client deletes what it read). */
export const REPLY_MAX_LEN = 10_000;
/** A reply stream expires this long after its last reply (its client refreshes and deletes it). */
export const REPLY_TTL_MS = 300_000;

/** Where a batch is settled. */
export interface SettleTarget {
  readonly client: RedisClient;
  readonly cluster: boolean;
  readonly stream: string;
  readonly deadStream: string;
  readonly group: string;
  readonly consumer: string;
}

/** What settling a batch did. */
export interface SettleResult {
  /** Messages acknowledged after running (dead-lettered ones excluded). */
  readonly processed: number;
  /** Of those, messages with a failed call. */
  readonly failed: number;
  readonly deadLettered: number;
  readonly retried: number;
  /** Entries that no longer existed (acknowledged without running). */
  readonly gone: number;
}

/**
 * Acknowledges a batch in one round trip: one `XACK` for every settled id plus the dead-letter
 * script for the failed ones (same slot: one pipeline, also in a cluster), and writes the replies
 * of requests (`XADD … MAXLEN ~` + `PEXPIRE` per reply stream; in the same pipeline on a single
 * server, one pipeline per reply stream in a cluster). Retried entries stay pending. Rejects
 * when Redis fails: the entries then stay pending and are delivered again.
 */
export async function settleBatch(
  target: SettleTarget,
  entries: readonly RunnableEntry[],
  outcomes: readonly EntryOutcome[],
): Promise<SettleResult> {
  const ackIds: string[] = [];
  const deadArgs: (string | Buffer)[] = [target.group];
  const replies: OutgoingReply[] = [];
  entries.forEach((entry, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined) return;
    if (outcome.kind === 'ack' || outcome.kind === 'gone') ackIds.push(entry.id);
    if (outcome.kind === 'dead') deadArgs.push(entry.id, ...deadLetterFields(entry, outcome.error, target));
    if ((outcome.kind === 'ack' || outcome.kind === 'dead') && outcome.reply !== undefined) {
      replies.push(outcome.reply);
    }
  });
  const result = countOutcomes(outcomes);

  const pipeline = target.client.pipeline();
  if (ackIds.length > 0) pipeline.xack(target.stream, target.group, ...ackIds);
  if (result.deadLettered > 0)
    void runLuaScript(pipeline, deadLetterScript, [target.stream, target.deadStream], deadArgs);
  const separate: Promise<void>[] = [];
  if (target.cluster) {
    for (const [key, payloads] of groupByKey(replies)) {
      const replyPipeline = target.client.pipeline();
      queueReplies(replyPipeline, key, payloads);
      separate.push(execOrThrow(replyPipeline));
    }
  } else {
    for (const [key, payloads] of groupByKey(replies)) queueReplies(pipeline, key, payloads);
  }
  const main = pipeline.length > 0 ? execOrThrow(pipeline) : Promise.resolve();
  const settled = await Promise.allSettled([main, ...separate]);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return result;
}

/** What settling these outcomes does, counted. */
export function countOutcomes(outcomes: readonly EntryOutcome[]): SettleResult {
  let processed = 0;
  let failed = 0;
  let deadLettered = 0;
  let retried = 0;
  let gone = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'ack') {
      processed += 1;
      if (outcome.failed) failed += 1;
    } else if (outcome.kind === 'dead') deadLettered += 1;
    else if (outcome.kind === 'retry') retried += 1;
    else gone += 1;
  }
  return { processed, failed, deadLettered, retried, gone };
}

/**
 * The ids to acknowledge when a batch needs nothing but `XACK` (no dead letter, no reply), else
 * `undefined`.
 */
export function plainAckIds(
  entries: readonly RunnableEntry[],
  outcomes: readonly EntryOutcome[],
): string[] | undefined {
  const ids: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const outcome = outcomes[index];
    if (outcome === undefined || outcome.kind === 'dead') return undefined;
    if (outcome.kind === 'retry') continue;
    if (outcome.kind === 'ack' && outcome.reply !== undefined) return undefined;
    ids.push((entries[index] as RunnableEntry).id);
  }
  return ids;
}

/** The dead-letter entry: the original fields, then `_error`, `_id`, `_group`, `_consumer`, `_deliveries`, `_at`. */
function deadLetterFields(entry: RunnableEntry, error: Error, target: SettleTarget): (string | Buffer)[] {
  const original = entry.fields ?? [];
  const fields: (string | Buffer)[] = [...original];
  if (original.length === 0) fields.push(MESSAGE_FIELD, '');
  fields.push(
    '_error',
    JSON.stringify({ ...errorObjectOf(error), keelCode: codeOf(error), reason: error.message }),
    '_id',
    entry.id,
    '_group',
    target.group,
    '_consumer',
    target.consumer,
    '_deliveries',
    String(entry.deliveries),
    '_at',
    new Date().toISOString(),
  );
  return [String(fields.length / 2), ...fields];
}

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function groupByKey(replies: readonly OutgoingReply[]): Map<string, Buffer[]> {
  const byKey = new Map<string, Buffer[]>();
  for (const { key, payload } of replies) {
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [payload]);
    else list.push(payload);
  }
  return byKey;
}

function queueReplies(pipeline: ChainableCommander, key: string, payloads: readonly Buffer[]): void {
  for (const payload of payloads)
    pipeline.xadd(key, 'MAXLEN', '~', REPLY_MAX_LEN, '*', MESSAGE_FIELD, payload);
  pipeline.pexpire(key, REPLY_TTL_MS);
}

/** Runs a pipeline; rejects with the first command error. */
export async function execOrThrow(pipeline: ChainableCommander): Promise<void> {
  const results = await pipeline.exec();
  for (const [error] of results ?? []) if (error !== null) throw error;
}
