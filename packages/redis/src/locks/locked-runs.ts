// LockedRuns: the running `withLock` calls of a RedisLocksService — renewal, loss, release, close.
import type { Logger } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { settlesWithin } from '../util/within.js';
import { LockLostError } from './errors/lock-lost-error.js';
import { NotLockOwnerError } from './errors/not-lock-owner-error.js';
import type { Lock, LockedFunction } from './lock.js';
import { LockKeeper } from './lock-keeper.js';

/** What {@link LockedRuns} works with. */
export interface LockedRunsParts {
  /** Renews a lock for `ttl` ms (rejecting with `NotLockOwnerError` when it is lost). */
  readonly renew: (lock: Lock, ttl: number) => Promise<unknown>;
  /** Releases a lock (rejecting with `NotLockOwnerError` when it was not held any more). */
  readonly release: (client: RedisClient, lock: Lock) => Promise<void>;
  /** Called once per run whose lock was lost (by a renewal, or found so at release). */
  readonly onLost: () => void;
  readonly logger: Logger;
}

/**
 * Runs functions under held locks: renews each lock in the background ({@link LockKeeper}),
 * aborts the function's signal when it is lost, and releases it afterwards. {@link endAll} and
 * {@link settled} let the service close.
 */
export class LockedRuns {
  /** The keepers of the runs under way. */
  readonly #keepers = new Set<LockKeeper>();
  /** Releases started at the end of runs, that {@link settled} waits for. */
  readonly #releasing = new Set<Promise<unknown>>();
  readonly #parts: LockedRunsParts;

  constructor(parts: LockedRunsParts) {
    this.#parts = parts;
  }

  /**
   * Runs `fn` under `lock` (held for `ttl` ms) and releases it afterwards over `client`; see
   * `RedisLocksService.withLock`. `signal` (the caller's) aborts `fn`'s signal with its reason.
   */
  async run<T>(
    client: RedisClient,
    lock: Lock,
    ttl: number,
    fn: LockedFunction<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const keeper = new LockKeeper(
      lock,
      ttl,
      (renewTtl) => this.#parts.renew(lock, renewTtl),
      (error) => {
        this.#parts.logger.warn({ keys: lock.keys, err: error }, 'lock renewal failed; retrying');
      },
    );
    this.#keepers.add(keeper);
    const onAbort = (): void => {
      keeper.abortSignal(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    keeper.start();
    // A synchronous throw becomes a rejection; a rejection after a lost lock is ignored.
    const run = (async () => fn(keeper.signal, lock))();
    run.catch(() => undefined);
    let failed = false;
    try {
      return await Promise.race([run, keeper.ended]);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      keeper.stop();
      signal?.removeEventListener('abort', onAbort);
      this.#keepers.delete(keeper);
      const lost = keeper.endError instanceof LockLostError;
      if (lost) this.#parts.onLost();
      const releasing = this.#releaseAfter(client, lock, lost, failed);
      this.#releasing.add(releasing);
      const forget = (): void => {
        this.#releasing.delete(releasing);
      };
      // A lost lock rejects at once: its (best-effort, quiet) release may wait on a Redis that
      // cannot be reached, e.g. a cluster client queueing commands until it reconnects.
      if (lost) void releasing.finally(forget);
      else await releasing.finally(forget);
    }
  }

  /** Ends every run with `error` (their functions' signals abort; their locks are released). */
  endAll(error: Error): void {
    for (const keeper of [...this.#keepers]) keeper.end(error);
  }

  /** Whether the releases under way settled within `ms`. */
  settled(ms: number): Promise<boolean> {
    return settlesWithin(Promise.allSettled([...this.#releasing]), ms);
  }

  /**
   * Releases a run's lock (also while closing); a lock found not held at release is lost
   * (reported, unless the run already knew: `lost`), and after `fn` succeeded (not `failed`)
   * becomes a `LockLostError`.
   */
  async #releaseAfter(client: RedisClient, lock: Lock, lost: boolean, failed: boolean): Promise<void> {
    try {
      await this.#parts.release(client, lock);
    } catch (error) {
      if (error instanceof NotLockOwnerError) {
        if (lost) return;
        this.#parts.onLost();
        if (failed) return;
        throw new LockLostError(
          lock.keys,
          lock.identifier,
          lock.token,
          'it was not held any more at release',
          error,
        );
      }
      this.#parts.logger.warn(
        { keys: lock.keys, err: error },
        'lock release failed; the lock expires at its ttl',
      );
    }
  }
}
