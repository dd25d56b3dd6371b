import { KeelError } from '@keel/core';

/**
 * The loader of `getOrSet` failed — here, or in the process that ran it for every caller. The
 * caller whose loader threw gets the thrown error as `cause`; callers that waited in other
 * processes get its message.
 */
export class CacheLoaderError extends KeelError {
  /** The cache key. */
  readonly key: string;
  /** The loader's error message. */
  readonly loaderMessage: string;

  constructor(key: string, loaderMessage: string, cause?: unknown) {
    super('CACHE_LOADER_FAILED', `The loader of cache key "${key}" failed: ${loaderMessage}`, {
      cause,
      details: { key },
    });
    this.key = key;
    this.loaderMessage = loaderMessage;
  }
}
