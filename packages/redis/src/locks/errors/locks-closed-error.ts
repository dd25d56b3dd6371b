import { KeelError } from '@keel/core';

/**
 * The `RedisLocksService` is closed (or closing): pending `acquire`/`wait` calls are rejected
 * with it, as are new calls, and it is the abort reason `withLock` functions see at close.
 */
export class LocksClosedError extends KeelError {
  constructor(service: string) {
    super('LOCKS_CLOSED', `RedisLocksService "${service}" is closed`, { details: { service } });
  }
}
