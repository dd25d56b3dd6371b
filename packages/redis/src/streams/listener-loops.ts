// ListenerLoops: the read, claim and maintenance loops of a RedisListener, with their backoff and recovery.
import { type Logger, Semaphore } from '@keel/core';
import { Backoff } from './backoff.js';
import type { BatchRunner } from './batch-runner.js';
import type { BlockingReader } from './blocking-reader.js';
import type { ListenerCounters } from './listener-metrics.js';
import type { RunnableEntry } from './message-runner.js';
import type { PauseState } from './pause-state.js';
import type { RedisListenerSettings } from './redis-listener-settings.js';
import { sleep } from './sleep.js';
import type { StreamGroup } from './stream-group.js';
import { isNoGroupError } from './stream-replies.js';

/** How often the listener trims the stream and refreshes `pending`/`lag`, in ms. */
const MAINTENANCE_INTERVAL_MS = 5_000;

/** What a listener holds while it runs. */
export interface ListenerRunning {
  readonly group: StreamGroup;
  readonly reader: BlockingReader;
  readonly batches: BatchRunner;
  readonly pause: PauseState;
}

/** What {@link ListenerLoops} works with. */
export interface ListenerLoopsParts {
  readonly settings: Pick<RedisListenerSettings, 'maxBatchSize' | 'maxWaitTimeMs' | 'maxParallelBatches'>;
  /** The stream read (for logs). */
  readonly stream: string;
  readonly counters: ListenerCounters;
  readonly logger: Logger;
  /** Trims the stream and refreshes the metrics (every 5 s). */
  readonly maintain: () => Promise<void>;
  /** Logs that the consumer group was created. */
  readonly onGroupCreated: () => void;
}

/** One run of the loops: what they read with, and the signal that stops them. */
interface LoopRun {
  readonly running: ListenerRunning;
  readonly signal: AbortSignal;
}

/** Read through a function: `close()` may abort while a loop awaits. */
function stopped(run: LoopRun): boolean {
  return run.signal.aborted;
}

/**
 * The loops of a listener: reading (new entries, or this consumer's own pending ones after a
 * start or an error), claiming idle pending entries (`XAUTOCLAIM`), and maintenance. Batches
 * take one of `maxParallelBatches` slots; a pause holds the loops before and after each command;
 * errors back off, and a deleted stream or group is recreated.
 */
export class ListenerLoops {
  readonly #parts: ListenerLoopsParts;
  /** One slot per batch being processed (`maxParallelBatches`). */
  readonly #slots: Semaphore;
  readonly #readBackoff = new Backoff({ initialMs: 100, maxMs: 5_000 });
  readonly #claimBackoff = new Backoff({ initialMs: 100, maxMs: 5_000 });
  /** Where the re-read of this consumer's own pending entries continues; undefined: read new ones. */
  #ownPendingCursor: string | undefined = '0';

  constructor(parts: ListenerLoopsParts) {
    this.#parts = parts;
    this.#slots = new Semaphore(parts.settings.maxParallelBatches, Number.MAX_SAFE_INTEGER);
  }

  /**
   * Starts the read and maintenance loops, and the claim loop when `claimAfterMs` is set (the
   * read loop first); they end once `signal` is aborted.
   */
  start(running: ListenerRunning, signal: AbortSignal, claimAfterMs: number | null): Promise<void>[] {
    const run: LoopRun = { running, signal };
    const loops = [this.#readLoop(run), this.#maintenanceLoop(run), running.pause.follow(signal)];
    if (claimAfterMs !== null) loops.push(this.#claimLoop(run, claimAfterMs));
    return loops;
  }

  /** Makes the next read look at this consumer's own pending entries first. */
  rereadOwnPending(): void {
    this.#ownPendingCursor = '0';
  }

  async #readLoop(run: LoopRun): Promise<void> {
    const { batches } = run.running;
    while (!stopped(run)) {
      if (!(await this.#waitWhilePaused(run))) break;
      await this.#slots.acquire();
      if (stopped(run)) {
        this.#slots.release();
        break;
      }
      let entries: RunnableEntry[];
      try {
        entries = await this.#readBatch(run.running);
        this.#readBackoff.reset();
      } catch (error) {
        this.#slots.release();
        await this.#recover(run, 'read', error, this.#readBackoff);
        continue;
      }
      if (entries.length > 0 && !(await this.#waitWhilePaused(run))) {
        this.#slots.release();
        break;
      }
      if (entries.length === 0) this.#slots.release();
      else batches.start(entries, this.#releaseSlot);
    }
  }

  /**
   * Waits while the topic is paused; false when the listener stopped instead. Called before a
   * read or claim, and again with the entries it returned: a pause that began while the command
   * was in flight (a blocked read is not ended early in a cluster) holds them, pending for this
   * consumer, until the resume — or, if the listener stops, for the next start or a claim.
   */
  async #waitWhilePaused(run: LoopRun): Promise<boolean> {
    const { pause } = run.running;
    while (pause.paused && !stopped(run)) await pause.waitUntilResumed();
    return !stopped(run);
  }

  /** Reads new entries, or — after a start or an error — this consumer's own pending ones first. */
  async #readBatch({ group, reader, batches }: ListenerRunning): Promise<RunnableEntry[]> {
    const { maxBatchSize, maxWaitTimeMs } = this.#parts.settings;
    const cursor = this.#ownPendingCursor;
    if (cursor === undefined) return group.readNew(reader.connection, maxBatchSize, maxWaitTimeMs);
    const { entries, next } = await group.readOwnPending(reader.connection, cursor, maxBatchSize);
    this.#ownPendingCursor = next;
    return group.withDeliveries(entries.filter((entry) => !batches.isRunning(entry.id)));
  }

  /** Every `pendingMessagesTimeMs`: claims idle pending entries of the group (`XAUTOCLAIM`, cursor kept) and runs them. */
  async #claimLoop(run: LoopRun, minIdleMs: number): Promise<void> {
    const { group, batches } = run.running;
    let cursor = '0-0';
    while (!stopped(run)) {
      if (cursor === '0-0') await sleep(minIdleMs, run.signal);
      if (!(await this.#waitWhilePaused(run))) break;
      await this.#slots.acquire();
      if (stopped(run)) {
        this.#slots.release();
        break;
      }
      try {
        const reply = await group.autoClaim(minIdleMs, cursor, this.#parts.settings.maxBatchSize);
        this.#claimBackoff.reset();
        cursor = reply.cursor;
        if (reply.deletedIds.length > 0) {
          // Redis 7 has removed them from the pending list itself; nothing is left to run.
          this.#parts.logger.warn({ ids: reply.deletedIds }, 'pending entries no longer exist in the stream');
        }
        const claimed = reply.entries.filter((entry) => !batches.isRunning(entry.id));
        this.#parts.counters.claimed += claimed.length;
        const entries = await group.withDeliveries(claimed);
        if (entries.length > 0 && !(await this.#waitWhilePaused(run))) {
          this.#slots.release();
          break;
        }
        if (entries.length === 0) this.#slots.release();
        else batches.start(entries, this.#releaseSlot);
      } catch (error) {
        this.#slots.release();
        cursor = '0-0';
        await this.#recover(run, 'claim', error, this.#claimBackoff);
      }
    }
  }

  /** Every 5 s: trims the stream and refreshes `pending` and `lag`. */
  async #maintenanceLoop(run: LoopRun): Promise<void> {
    while (!stopped(run)) {
      await sleep(MAINTENANCE_INTERVAL_MS, run.signal);
      if (stopped(run)) break;
      try {
        await this.#parts.maintain();
      } catch (error) {
        this.#parts.counters.errors += 1;
        this.#parts.logger.warn({ err: error }, 'stream maintenance (trim, metrics) failed');
      }
    }
  }

  /** Counts and logs a loop error, waits the backoff, recreates the group when it is gone. */
  async #recover(run: LoopRun, where: 'read' | 'claim', error: unknown, backoff: Backoff): Promise<void> {
    const { counters, logger } = this.#parts;
    counters.errors += 1;
    if (stopped(run)) return;
    const noGroup = isNoGroupError(error);
    const delay = backoff.next();
    logger.warn(
      { err: error, stream: this.#parts.stream, attempt: backoff.attempts, retryInMs: delay },
      noGroup ? `the stream or its group is gone (${where}); recreating it` : `stream ${where} failed`,
    );
    await sleep(delay, run.signal);
    if (stopped(run)) return;
    if (noGroup) {
      try {
        if (await run.running.group.ensure()) this.#parts.onGroupCreated();
      } catch (createError) {
        counters.errors += 1;
        logger.warn({ err: createError }, 'recreating the consumer group failed');
      }
      this.#ownPendingCursor = undefined;
    } else if (where === 'read') {
      // Acks may have been lost with the connection: look at this consumer's own pending entries.
      this.#ownPendingCursor = '0';
    }
  }

  readonly #releaseSlot = (): void => {
    this.#slots.release();
  };
}
