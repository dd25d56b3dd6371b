import { KeelError } from '@keel/core';
import { formatKeys } from './format-keys.js';

/**
 * An `acquire` or `renew` with `replicas: n` ran, but fewer than `n` replicas confirmed it
 * (`WAIT`) within the timeout. An acquired lock was released again: nothing is held. A renewal
 * stays as it is on the primary (it may still reach the replicas), and counts as failed.
 */
export class LockNotReplicatedError extends KeelError {
  readonly keys: readonly string[];
  /** Replicas asked for. */
  readonly required: number;
  /** Replicas that confirmed within the timeout. */
  readonly acknowledged: number;
  readonly timeoutMs: number;
  readonly operation: 'acquire' | 'renew';

  constructor(
    keys: readonly string[],
    operation: 'acquire' | 'renew',
    required: number,
    acknowledged: number,
    timeoutMs: number,
  ) {
    super(
      'LOCK_NOT_REPLICATED',
      `Lock ${formatKeys(keys)}: ${acknowledged} of ${required} replica(s) confirmed the ${operation} within ${timeoutMs} ms` +
        (operation === 'acquire' ? '; it was released again' : ''),
      { details: { keys, operation, required, acknowledged, timeoutMs } },
    );
    this.keys = keys;
    this.operation = operation;
    this.required = required;
    this.acknowledged = acknowledged;
    this.timeoutMs = timeoutMs;
  }
}
