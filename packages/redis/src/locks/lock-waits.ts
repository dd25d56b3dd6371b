// LockWaits: the waiting `acquire` and `wait` calls of a RedisLocksService, woken by release notifications.
import type { Logger } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { LockAbortedError } from './errors/lock-aborted-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import type { Lock } from './lock.js';
import { lockOf, type AcquireRequest, type Attempt } from './lock-attempt.js';
import { LockWaiter } from './lock-waiter.js';
import type { ReleaseNotifier, ReleaseSnapshot } from './release-notifier.js';

/** What {@link LockWaits} works with. */
export interface LockWaitsParts {
  /** The service's release notifier (made on first use). */
  readonly notifier: () => ReleaseNotifier;
  /** One acquire attempt (with `WAIT` for replicas when the request asks for them). */
  readonly attempt: (client: RedisClient, request: AcquireRequest) => Promise<Attempt>;
  /** Releases a lock (to give back one acquired after its wait ended). */
  readonly release: (client: RedisClient, keys: readonly string[], owner: string) => Promise<void>;
  /** Fallback retry delays: random in [retryMinMs, retryMaxMs]. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly logger: Logger;
}

/**
 * The calls waiting on held locks. Each sleeps until a release is announced on a key's channel,
 * with a jittered fallback retry (never later than the lock's expiry), and stops on timeout,
 * abort or {@link stopAll}.
 */
export class LockWaits {
  readonly #parts: LockWaitsParts;
  readonly #waiters = new Set<LockWaiter>();

  constructor(parts: LockWaitsParts) {
    this.#parts = parts;
  }

  /**
   * Waits for `request`'s keys, after a `first` attempt found one held, and acquires them. Rejects
   * with `LockTimeoutError`, `LockAbortedError` or the error given to {@link stopAll}.
   */
  async acquire(
    client: RedisClient,
    request: AcquireRequest,
    first: Attempt,
    snapshot: ReleaseSnapshot | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Lock> {
    const { keys } = request;
    const notifier = this.#parts.notifier();
    const waiter = this.#waiter(true, keys, timeoutMs, signal);
    const registration = notifier.listen(keys, waiter);
    let result: Attempt = first;
    try {
      await waiter.race(registration.ready);
      // Retry at once unless no release can have slipped by since the first attempt (its
      // channels were already subscribed then, and nothing was delivered since).
      if (snapshot !== undefined && notifier.unchangedSince(keys, snapshot)) {
        await waiter.sleep(this.#fallbackDelay(first.pttl));
      }
      for (;;) {
        const wokenBy = waiter.beginAttempt();
        const pending = this.#parts.attempt(client, request);
        try {
          result = await waiter.race(pending);
        } catch (error) {
          // The wait stopped while an attempt was in flight: give back a late success.
          pending.then(
            (late) => {
              if (late.acquired) this.#releaseQuietly(client, request);
            },
            () => undefined,
          );
          throw error;
        }
        if (result.acquired) return lockOf(request, result);
        if (waiter.notifiedDuringAttempt) continue;
        // Woken for a key that is free now, but blocked by another key: let the next one try.
        if (wokenBy !== undefined && keys[result.index] !== wokenBy) notifier.passOn(wokenBy, waiter);
        await waiter.sleep(this.#fallbackDelay(result.pttl));
      }
    } finally {
      registration.dispose(result.acquired ? undefined : waiter.unconsumedWake);
      this.#forget(waiter);
    }
  }

  /**
   * Waits until `key` (seen locked) is not locked: `true` as soon as it is seen
   * missing or its release is announced, `false` after `timeoutMs`.
   */
  async untilFree(
    client: RedisClient,
    key: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const waiter = this.#waiter(false, [key], timeoutMs, signal);
    const registration = this.#parts.notifier().listen([key], waiter);
    try {
      await waiter.race(registration.ready);
      for (;;) {
        waiter.beginAttempt();
        const pttl = await waiter.race(client.pttl(key));
        if (pttl === -2 || waiter.notifiedDuringAttempt) return true;
        if (await waiter.sleep(this.#fallbackDelay(pttl))) return true;
      }
    } catch (error) {
      if (error instanceof LockTimeoutError) return false;
      throw error;
    } finally {
      registration.dispose();
      this.#forget(waiter);
    }
  }

  /** Stops every waiting call with `error`. */
  stopAll(error: Error): void {
    for (const waiter of [...this.#waiters]) waiter.stop(error);
  }

  #releaseQuietly(client: RedisClient, request: AcquireRequest): void {
    this.#parts.release(client, request.keys, request.identifier).catch((error: unknown) => {
      this.#parts.logger.warn(
        { keys: request.keys, err: error },
        'could not release a lock acquired after its wait ended',
      );
    });
  }

  /** Fallback retry delay: random in [retryMinMs, retryMaxMs], or when the lock expires. */
  #fallbackDelay(pttl: number): number {
    const { retryMinMs, retryMaxMs } = this.#parts;
    const jitter = retryMinMs + Math.random() * Math.max(0, retryMaxMs - retryMinMs);
    return Math.ceil(pttl >= 0 ? Math.min(jitter, pttl + 1) : jitter);
  }

  #waiter(
    exclusive: boolean,
    keys: readonly string[],
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): LockWaiter {
    const waiter = new LockWaiter({
      exclusive,
      timeoutMs,
      onTimeout: () => new LockTimeoutError(keys, timeoutMs),
      signal,
      onAbort: (reason) => new LockAbortedError(keys, reason),
    });
    this.#waiters.add(waiter);
    return waiter;
  }

  #forget(waiter: LockWaiter): void {
    waiter.dispose();
    this.#waiters.delete(waiter);
  }
}
