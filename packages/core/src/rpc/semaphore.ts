import { toError } from '../errors/to-error.js';

/**
 * A counting semaphore with a bounded FIFO wait queue: at most `limit` holders at a time; others
 * wait in arrival order. A waiter whose signal aborts leaves the queue and rejects with the
 * signal's reason. Callers check {@link queueFull} before {@link acquire} to refuse excess work.
 */
export class Semaphore {
  readonly limit: number;
  readonly maxQueued: number;
  #active = 0;
  readonly #waiters = new Set<() => void>();

  constructor(limit: number, maxQueued: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
    this.limit = limit;
    this.maxQueued = maxQueued;
  }

  /** Slots currently held. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.#waiters.size;
  }

  /** True when a caller would have to wait and the queue has no room. */
  get queueFull(): boolean {
    return this.#active >= this.limit && this.#waiters.size >= this.maxQueued;
  }

  /** Takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.#active >= this.limit) return false;
    this.#active += 1;
    return true;
  }

  /** Resolves once a slot is held; call {@link release} exactly once afterwards. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    if (signal?.aborted === true) return Promise.reject(toError(signal.reason));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(grant);
        reject(toError(signal?.reason));
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.add(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Frees a slot, handing it straight to the oldest waiter if there is one. */
  release(): void {
    for (const next of this.#waiters) {
      this.#waiters.delete(next);
      next(); // the slot passes on: the active count stays the same
      return;
    }
    if (this.#active > 0) this.#active -= 1;
  }
}
