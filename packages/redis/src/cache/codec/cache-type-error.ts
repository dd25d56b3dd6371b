import { KeelError } from '@keel/core';

/** A type token or struct definition the cache codec cannot use (a programming error). */
export class CacheTypeError extends KeelError {
  constructor(message: string) {
    super('CACHE_TYPE_INVALID', message);
  }
}
