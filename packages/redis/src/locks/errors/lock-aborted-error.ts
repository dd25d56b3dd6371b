import { KeelError } from '@keel/core';
import { formatKeys } from './format-keys.js';

/** The caller's `signal` aborted `acquire` or `wait`; `cause` is the signal's reason. */
export class LockAbortedError extends KeelError {
  readonly keys: readonly string[];

  constructor(keys: readonly string[], reason: unknown) {
    super('LOCK_ABORTED', `Waiting for lock ${formatKeys(keys)} was aborted`, {
      cause: reason,
      details: { keys },
    });
    this.keys = keys;
  }
}
