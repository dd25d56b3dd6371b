import { performance } from 'node:perf_hooks';
import { LockLostError } from './errors/lock-lost-error.js';
import { NotLockOwnerError } from './errors/not-lock-owner-error.js';
import type { Lock } from './lock.js';

/** Shortest pause before retrying a renewal that failed with a Redis error, in ms. */
const MIN_RETRY_MS = 10;

/**
 * Keeps a lock alive for `withLock`: renews it every `ttl / 3` ms and, when the lock is lost
 * (a renewal finds another owner, or no renewal succeeded within the lock's time to live),
 * aborts {@link signal} and rejects {@link ended} with a {@link LockLostError}.
 */
export class LockKeeper {
  readonly #lock: Lock;
  readonly #ttl: number;
  readonly #renew: (ttl: number) => Promise<unknown>;
  readonly #onRenewError: (error: unknown) => void;
  readonly #controller = new AbortController();
  readonly #ended: Promise<never>;
  #rejectEnded: (error: Error) => void = () => undefined;
  #timer: NodeJS.Timeout | undefined;
  #expiry: NodeJS.Timeout | undefined;
  /** `performance.now()` by which the lock expires unless renewed (conservative). */
  #validUntil: number;
  #running = true;
  #endError: Error | undefined;

  /**
   * @param renew renews the lock for `ttl` ms (rejecting with `NotLockOwnerError` when lost)
   * @param onRenewError told about renewals that failed otherwise (they are retried)
   */
  constructor(
    lock: Lock,
    ttl: number,
    renew: (ttl: number) => Promise<unknown>,
    onRenewError: (error: unknown) => void,
  ) {
    this.#lock = lock;
    this.#ttl = ttl;
    this.#renew = renew;
    this.#onRenewError = onRenewError;
    this.#validUntil = performance.now() + ttl;
    this.#ended = new Promise<never>((_, reject) => {
      this.#rejectEnded = reject;
    });
    this.#ended.catch(() => undefined);
  }

  /** The signal given to the locked function; aborted with the reason the lock was lost. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Rejects when the lock is lost (or {@link end} is called); never resolves. */
  get ended(): Promise<never> {
    return this.#ended;
  }

  /** Why the keeper ended early, if it did. */
  get endError(): Error | undefined {
    return this.#endError;
  }

  /** Starts the renewals. */
  start(): void {
    this.#armExpiry();
    this.#schedule(this.#interval);
  }

  /** Aborts the function's signal with `reason` without ending the keeper (the caller's abort). */
  abortSignal(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Stops renewing; the signal is aborted with `error` and {@link ended} rejects with it. */
  end(error: Error): void {
    if (!this.#running) return;
    this.#endError = error;
    this.stop();
    this.#controller.abort(error);
    this.#rejectEnded(error);
  }

  /** Stops renewing (the function finished). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiry);
  }

  get #interval(): number {
    return Math.max(1, Math.floor(this.#ttl / 3));
  }

  #schedule(delay: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      void this.#renewOnce();
    }, delay);
  }

  /** Declares the lock lost when its time to live passes without a successful renewal. */
  #armExpiry(): void {
    clearTimeout(this.#expiry);
    this.#expiry = setTimeout(
      () => {
        this.#lose('no renewal succeeded within its time to live');
      },
      Math.max(0, this.#validUntil - performance.now()),
    );
  }

  async #renewOnce(): Promise<void> {
    const sentAt = performance.now();
    try {
      await this.#renew(this.#ttl);
      if (!this.#running) return;
      this.#validUntil = sentAt + this.#ttl;
      this.#armExpiry();
      this.#schedule(this.#interval);
    } catch (error) {
      if (!this.#running) return;
      if (error instanceof NotLockOwnerError) {
        this.#lose('it expired or another owner holds it', error);
        return;
      }
      this.#onRenewError(error);
      const remaining = this.#validUntil - performance.now();
      this.#schedule(Math.max(MIN_RETRY_MS, Math.min(Math.floor(this.#interval / 3), remaining)));
    }
  }

  #lose(reason: string, cause?: unknown): void {
    const { keys, identifier, token } = this.#lock;
    this.end(new LockLostError(keys, identifier, token, reason, cause));
  }
}
