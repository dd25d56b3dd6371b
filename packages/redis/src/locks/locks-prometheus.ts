// LocksPrometheus: the Prometheus metrics of a RedisLocksService (acquisitions, waits, timeouts, lost and held locks).
import { performance } from 'node:perf_hooks';
import type { BoundCounter, BoundHistogram, MetricsSink } from '@keel/core';
import { LockExistsError } from './errors/lock-exists-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import type { Lock } from './lock.js';

/** Held locks at which an acquisition first forgets the expired ones (else a scrape does). */
const PRUNE_AT = 10_000;

/**
 * The service's metrics: acquisitions and the seconds they took, timeouts, refusals
 * (`wait: false`), lost locks, and the locks it holds now — acquired here and neither released
 * nor past their `expiresAt` (as renewed). No lock key is ever a label.
 */
export class LocksPrometheus {
  readonly #acquired: BoundCounter;
  readonly #timeouts: BoundCounter;
  readonly #refused: BoundCounter;
  readonly #lost: BoundCounter;
  readonly #wait: BoundHistogram;
  /** `expiresAt` of each held lock, by owner and keys. */
  readonly #held = new Map<string, number>();

  constructor(sink: MetricsSink) {
    const counter = (name: string, help: string): BoundCounter => sink.counter({ name, help }).bind({});
    this.#acquired = counter('keel_lock_acquisitions_total', 'Locks acquired (acquire, withLock).');
    this.#timeouts = counter(
      'keel_lock_timeouts_total',
      'Acquisitions that gave up waiting (LockTimeoutError).',
    );
    this.#refused = counter(
      'keel_lock_refusals_total',
      'Acquisitions with wait: false that found the lock held (LockExistsError).',
    );
    this.#lost = counter(
      'keel_lock_lost_total',
      'Locks found lost before their release: by a withLock renewal, or by the release itself.',
    );
    this.#wait = sink
      .histogram({ name: 'keel_lock_wait_seconds', help: 'Time an acquisition took, waiting included.' })
      .bind({});
    sink.gauge({
      name: 'keel_locks_held',
      help: 'Locks acquired by this service and not released nor expired (as renewed).',
      collect: (gauge) => {
        this.#prune();
        gauge.set({}, this.#held.size);
      },
    });
  }

  /** Measures an acquisition started at `started` (`performance.now()`); settles as `acquiring` does. */
  async acquisition(acquiring: Promise<Lock>, started: number): Promise<Lock> {
    let lock: Lock;
    try {
      lock = await acquiring;
    } catch (error) {
      if (error instanceof LockTimeoutError) this.#timeouts.inc();
      else if (error instanceof LockExistsError) this.#refused.inc();
      throw error;
    }
    this.#acquired.inc();
    this.#wait.observe((performance.now() - started) / 1000);
    if (this.#held.size >= PRUNE_AT) this.#prune();
    this.#held.set(heldId(lock.keys, lock.identifier), lock.expiresAt);
    return lock;
  }

  /** The lock of `keys` held by `owner` was released (or found not held). */
  released(keys: readonly string[], owner: string): void {
    this.#held.delete(heldId(keys, owner));
  }

  /** The lock of `keys` held by `owner` was renewed until `expiresAt`. */
  renewed(keys: readonly string[], owner: string, expiresAt: number): void {
    const id = heldId(keys, owner);
    if (this.#held.has(id)) this.#held.set(id, expiresAt);
  }

  /** A lock was found lost. */
  lost(): void {
    this.#lost.inc();
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, expiresAt] of this.#held) if (expiresAt <= now) this.#held.delete(id);
  }
}

function heldId(keys: readonly string[], owner: string): string {
  return `${owner}\u0000${keys.join('\u0000')}`;
}
