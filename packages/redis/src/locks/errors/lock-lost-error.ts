import { KeelError } from '@keel/core';
import { formatKeys } from './format-keys.js';

/**
 * A lock held by `withLock` was lost before the function finished: a renewal found another
 * owner (or none), renewals failed until the lock's time to live ran out, or the final release
 * found the lock gone. `cause` is the renewal's error, when there was one.
 */
export class LockLostError extends KeelError {
  readonly keys: readonly string[];
  readonly identifier: string;
  /** The fencing token the lock had. */
  readonly token: number;

  constructor(keys: readonly string[], identifier: string, token: number, reason: string, cause?: unknown) {
    super('LOCK_LOST', `Lost lock ${formatKeys(keys)} (token ${token}): ${reason}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { keys, identifier, token },
    });
    this.keys = keys;
    this.identifier = identifier;
    this.token = token;
  }
}
