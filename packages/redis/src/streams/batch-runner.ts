import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { BoundHistogram, Logger } from '@keel/core';
import type { AckBatcher } from './ack-batcher.js';
import { Backoff } from './backoff.js';
import type { ListenerCounters, RedisListenerEvents } from './listener-metrics.js';
import { type EntryOutcome, type RunnableEntry, runEntry, type RunnerContext } from './message-runner.js';
import {
  countOutcomes,
  plainAckIds,
  settleBatch,
  type SettleResult,
  type SettleTarget,
} from './settle-batch.js';
import { sleep } from './sleep.js';

/** Attempts to acknowledge a settled batch before leaving it pending for redelivery. */
const SETTLE_ATTEMPTS = 5;

/** What a {@link BatchRunner} works with. */
export interface BatchRunnerOptions {
  readonly runner: RunnerContext;
  readonly settle: SettleTarget;
  readonly acks: AckBatcher;
  readonly counters: ListenerCounters;
  /** Observes each batch's seconds from its start to its acknowledgement. */
  readonly batchSeconds: BoundHistogram;
  readonly events: EventEmitter<RedisListenerEvents>;
  readonly logger: Logger;
  /** Called when a batch could not be acknowledged and stays pending. */
  readonly onUnacknowledged: () => void;
}

/**
 * Runs batches of entries in the background and acknowledges them: a batch that needs only
 * `XACK` frees its slot as soon as its handlers settled and joins the `XACK` of every batch
 * finishing in the same turn of the event loop; one with dead letters or replies is settled
 * with {@link settleBatch}. A failed acknowledgement is retried with backoff, then left pending
 * (to be delivered again).
 */
export class BatchRunner {
  readonly #options: BatchRunnerOptions;
  /** Ids being processed (never run twice at once in this process). */
  readonly #inFlight = new Set<string>();
  readonly #batches = new Set<Promise<void>>();

  constructor(options: BatchRunnerOptions) {
    this.#options = options;
  }

  /** True while the entry with this id is being processed here. */
  isRunning(id: string): boolean {
    return this.#inFlight.has(id);
  }

  /** Starts a batch; `release` frees its slot (called once its handlers settled, or at the end). */
  start(entries: readonly RunnableEntry[], release: () => void): void {
    const { counters, batchSeconds } = this.#options;
    const started = performance.now();
    for (const entry of entries) this.#inFlight.add(entry.id);
    counters.inFlight += entries.length;
    let released = false;
    const releaseOnce = (): void => {
      if (released) return;
      released = true;
      release();
    };
    const batch = this.#run(entries, releaseOnce).finally(() => {
      for (const entry of entries) this.#inFlight.delete(entry.id);
      counters.inFlight -= entries.length;
      batchSeconds.observe((performance.now() - started) / 1000);
      releaseOnce();
      this.#batches.delete(batch);
    });
    this.#batches.add(batch);
  }

  /** Resolves when every started batch is settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.#batches]);
  }

  async #run(entries: readonly RunnableEntry[], release: () => void): Promise<void> {
    const { runner, acks, counters, logger } = this.#options;
    const outcomes = await Promise.all(entries.map((entry) => runEntry(entry, runner)));
    const ackIds = plainAckIds(entries, outcomes);
    if (ackIds !== undefined) {
      release();
      try {
        if (ackIds.length > 0) await acks.ack(ackIds);
        this.#record(countOutcomes(outcomes), entries, outcomes);
        return;
      } catch (error) {
        counters.errors += 1;
        logger.warn({ err: error }, 'acknowledging a batch failed; retrying');
      }
    }
    const backoff = new Backoff({ initialMs: 100, maxMs: 2_000 });
    for (let attempt = 1; ; attempt++) {
      try {
        this.#record(await settleBatch(this.#options.settle, entries, outcomes), entries, outcomes);
        return;
      } catch (error) {
        counters.errors += 1;
        if (attempt >= SETTLE_ATTEMPTS) {
          this.#options.onUnacknowledged();
          logger.error(
            { err: error, entries: entries.length },
            'could not acknowledge a batch; it stays pending',
          );
          return;
        }
        logger.warn({ err: error, attempt }, 'acknowledging a batch failed; retrying');
        await sleep(backoff.next());
      }
    }
  }

  /** Counts a settled batch, reports its dead letters, emits `settled`. */
  #record(result: SettleResult, entries: readonly RunnableEntry[], outcomes: readonly EntryOutcome[]): void {
    const { counters, events, logger, settle } = this.#options;
    counters.processed += result.processed;
    counters.failed += result.failed;
    counters.deadLettered += result.deadLettered;
    counters.retried += result.retried;
    if (result.deadLettered > 0) {
      outcomes.forEach((outcome, index) => {
        if (outcome.kind !== 'dead') return;
        const id = entries[index]?.id ?? '';
        logger.warn(
          { id, stream: settle.stream, deadLetterStream: settle.deadStream, error: outcome.error.message },
          'message dead-lettered',
        );
        events.emit('deadLettered', id, outcome.error);
      });
    }
    events.emit('settled', result.processed + result.deadLettered + result.gone);
  }
}
