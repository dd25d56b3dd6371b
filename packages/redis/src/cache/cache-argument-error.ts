import { KeelError } from '@keel/core';

/** A cache method was called with an invalid argument (a negative TTL, `nx` with `xx`, …). */
export class CacheArgumentError extends KeelError {
  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super('CACHE_INVALID_ARGUMENT', message, { details });
  }
}
