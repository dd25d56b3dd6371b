import { LockExistsError } from '../locks/errors/lock-exists-error.js';
import { NotLockOwnerError } from '../locks/errors/not-lock-owner-error.js';
import type { RedisLocksService } from '../locks/redis-locks-service.js';
import type { TopicPauseLock } from './pause-lock.js';

/**
 * The pause lock kept through {@link RedisLocksService} (used when the app has one): the same
 * key and value as {@link KeyPauseLock} (`<stream>._lock` holding the owner), so processes with
 * and without a locks service pause each other; releases are announced to lock waiters.
 */
export class LocksPauseLock implements TopicPauseLock {
  readonly key: string;
  readonly #locks: RedisLocksService;

  constructor(locks: RedisLocksService, key: string) {
    this.#locks = locks;
    this.key = key;
  }

  async acquire(owner: string, ttlMs: number): Promise<boolean> {
    try {
      await this.#locks.acquire(this.key, { identifier: owner, ttl: ttlMs, wait: false });
      return true;
    } catch (error) {
      if (!(error instanceof LockExistsError)) throw error;
    }
    try {
      await this.#locks.renew(this.key, owner, ttlMs);
      return true;
    } catch (error) {
      if (error instanceof NotLockOwnerError) return false;
      throw error;
    }
  }

  async release(owner: string): Promise<boolean> {
    try {
      await this.#locks.release(this.key, owner);
      return true;
    } catch (error) {
      if (error instanceof NotLockOwnerError) return false;
      throw error;
    }
  }

  held(): Promise<boolean> {
    return this.#locks.exists(this.key);
  }
}
