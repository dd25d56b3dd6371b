import type { BoundCounter } from '@keel/core';
import type { RedisCacheSettings } from './redis-cache-settings.js';
import { replyValue, type CacheCommand, type Reply } from './redis-command.js';
import { secondsToMs } from './ttl-ms.js';

/** The settings ops are built with. */
export interface OpContext {
  /** Cluster mode: multi-key commands are split per slot. */
  readonly cluster: boolean;
  readonly maxValueBytes: number;
  /** `defaultTtl` in ms, if set. */
  readonly defaultTtlMs: number | undefined;
  /** Counts values that fail to decode (`keel_cache_decode_errors_total`). */
  readonly decodeErrors: BoundCounter;
}

/** The context of a cache with these settings (`defaultTtl` checked and turned into ms). */
export function opContextOf(
  settings: Pick<RedisCacheSettings, 'maxValueBytes' | 'defaultTtl'>,
  cluster: boolean,
  decodeErrors: BoundCounter,
): OpContext {
  const { defaultTtl } = settings;
  return {
    cluster,
    maxValueBytes: settings.maxValueBytes,
    defaultTtlMs: defaultTtl === undefined ? undefined : secondsToMs(defaultTtl, 'defaultTtl'),
    decodeErrors,
  };
}

/**
 * One cache operation: the Redis commands it takes (values already encoded) and how their
 * replies become its result. Methods run it; `{ conn }` queues its commands; the typed pipeline
 * batches several.
 */
export interface CacheOp<T> {
  readonly commands: readonly CacheCommand[];
  /** The result from the replies of `commands` (same order); throws the operation's error. */
  finish(replies: readonly Reply[]): T;
  /**
   * Set for an operation of one command: the result from that command's reply value, so that
   * it can run without the `[error, value]` wrapping.
   */
  readonly finishValue?: (value: unknown) => T;
}

/** An operation of one command. */
export function singleOp<T>(command: CacheCommand, finishValue: (value: unknown) => T): CacheOp<T> {
  return { commands: [command], finish: (replies) => finishValue(replyValue(replies[0])), finishValue };
}

/** An operation that needs no command (e.g. deleting no keys). */
export function constantOp<T>(value: T): CacheOp<T> {
  return { commands: [], finish: () => value };
}

/** Sums the integer replies (DEL, EXISTS per slot). */
export function sumReplies(replies: readonly Reply[]): number {
  let total = 0;
  for (const reply of replies) total += Number(replyValue(reply));
  return total;
}
