import type { ReleaseListener } from './release-notifier.js';

/** Longest delay `setTimeout` supports; a longer timeout means "no timeout". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a wait ends early. */
export interface LockWaiterOptions {
  /** Acquirers are exclusive (woken one at a time), watchers are not. */
  readonly exclusive: boolean;
  /** After this many ms the wait stops with `onTimeout()`'s error. */
  readonly timeoutMs: number;
  readonly onTimeout: () => Error;
  /** Aborting it stops the wait with `onAbort(reason)`'s error. */
  readonly signal?: AbortSignal | undefined;
  readonly onAbort: (reason: unknown) => Error;
}

/**
 * The state of one waiting `acquire` or `wait` call: it sleeps between attempts until a release
 * notification or its fallback timer wakes it, and it stops (every pending {@link race} rejects)
 * on timeout, abort or {@link stop}.
 */
export class LockWaiter implements ReleaseListener {
  readonly exclusive: boolean;
  readonly #stopped: Promise<never>;
  #rejectStopped: (error: Error) => void = () => undefined;
  #isStopped = false;
  #timeout: NodeJS.Timeout | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;
  /** Set by a notification that arrived while not sleeping; the next attempt consumes it. */
  #notified = false;
  /** The key whose release woke this waiter and that no attempt has consumed yet. */
  #wokenBy: string | undefined;
  #wake: (() => void) | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;

  constructor(options: LockWaiterOptions) {
    this.exclusive = options.exclusive;
    this.#stopped = new Promise<never>((_, reject) => {
      this.#rejectStopped = reject;
    });
    this.#stopped.catch(() => undefined);
    if (options.timeoutMs <= MAX_TIMER_MS) {
      this.#timeout = setTimeout(() => {
        this.stop(options.onTimeout());
      }, options.timeoutMs);
    }
    const signal = options.signal;
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => {
        this.stop(options.onAbort(signal.reason));
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
      if (signal.aborted) this.#onAbort();
    }
  }

  /** `promise`, or the stop error if the wait stops first. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.#stopped]);
  }

  /** Ends the wait: every pending and later {@link race} rejects with `error`. */
  stop(error: Error): void {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.#rejectStopped(error);
    this.dispose();
  }

  notify(key: string): void {
    this.#wokenBy ??= key;
    const wake = this.#wake;
    if (wake === undefined) {
      this.#notified = true;
      return;
    }
    this.#wake = undefined;
    clearTimeout(this.#sleepTimer);
    wake();
  }

  /**
   * Call before each attempt: consumes pending notifications and returns the key whose release
   * woke the waiter, if any.
   */
  beginAttempt(): string | undefined {
    const wokenBy = this.#wokenBy;
    this.#wokenBy = undefined;
    this.#notified = false;
    return wokenBy;
  }

  /** True when a notification arrived since {@link beginAttempt}: retry at once. */
  get notifiedDuringAttempt(): boolean {
    return this.#notified;
  }

  /** A wake no attempt consumed (to hand on when the waiter leaves). */
  get unconsumedWake(): string | undefined {
    return this.#wokenBy;
  }

  /**
   * Sleeps until a notification or `ms` elapsed; resolves `true` when woken by a notification.
   * Rejects with the stop error when the wait stops.
   */
  sleep(ms: number): Promise<boolean> {
    if (this.#notified) {
      this.#notified = false;
      return Promise.resolve(true);
    }
    const sleeping = new Promise<boolean>((resolve) => {
      this.#wake = () => {
        resolve(true);
      };
      this.#sleepTimer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, ms);
    });
    return this.race(sleeping);
  }

  /** Releases the timers and the abort listener. */
  dispose(): void {
    clearTimeout(this.#timeout);
    clearTimeout(this.#sleepTimer);
    this.#wake = undefined;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
