import { KeelError } from '@keel/core';

/** `acquire(..., { wait: false })` found a key already locked; nothing was acquired. */
export class LockExistsError extends KeelError {
  /** Every key that was asked for. */
  readonly keys: readonly string[];
  /** The key found locked. */
  readonly key: string;

  constructor(keys: readonly string[], key: string) {
    super('LOCK_EXISTS', `Lock "${key}" is held by another owner`, { details: { keys, key } });
    this.keys = keys;
    this.key = key;
  }
}
