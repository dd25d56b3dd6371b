import { KeelError } from '@keel/core';

/**
 * `getOrSet` did not get a value within its `timeout`: the loader (here or in another process)
 * was still running. A loader started here keeps running and still stores its value.
 */
export class CacheLoadTimeoutError extends KeelError {
  /** The cache key. */
  readonly key: string;
  /** The timeout in ms. */
  readonly timeout: number;

  constructor(key: string, timeout: number) {
    super(
      'CACHE_LOAD_TIMEOUT',
      `No value for cache key "${key}" within ${timeout} ms (its loader is still running)`,
      {
        details: { key, timeout },
      },
    );
    this.key = key;
    this.timeout = timeout;
  }
}
