import { KeelError } from '@keel/core';
import { formatKeys } from './format-keys.js';

/** `acquire` waited `timeoutMs` for the lock without getting it; nothing was acquired. */
export class LockTimeoutError extends KeelError {
  readonly keys: readonly string[];
  readonly timeoutMs: number;

  constructor(keys: readonly string[], timeoutMs: number) {
    super('LOCK_TIMEOUT', `Could not acquire lock ${formatKeys(keys)} within ${timeoutMs} ms`, {
      details: { keys, timeoutMs },
    });
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }
}
