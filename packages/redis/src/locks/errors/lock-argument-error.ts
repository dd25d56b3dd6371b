import { KeelError } from '@keel/core';

/** A locks method was called with an unusable argument (no keys, an empty key, a bad ttl). */
export class LockArgumentError extends KeelError {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super('LOCK_INVALID_ARGUMENT', message, { details });
  }
}
