import { KeelError } from '@keel/core';
import { formatKeys } from './format-keys.js';

/**
 * `release` or `renew` by an identifier that does not hold the lock (it expired, was released,
 * or belongs to someone else). `keys` lists the keys not held; `renew` changed nothing, `release`
 * still released the keys that were held.
 */
export class NotLockOwnerError extends KeelError {
  /** The keys not held by `identifier`. */
  readonly keys: readonly string[];
  readonly identifier: string;

  constructor(keys: readonly string[], identifier: string, operation: 'release' | 'renew') {
    super(
      'LOCK_NOT_OWNER',
      `Cannot ${operation} lock ${formatKeys(keys)}: "${identifier}" does not hold it`,
      {
        details: { keys, identifier, operation },
      },
    );
    this.keys = keys;
    this.identifier = identifier;
  }
}
