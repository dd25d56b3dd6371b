import { KeelError } from '@keel/core';

/** An encoded value is longer than the `maxValueBytes` limit; nothing is written. */
export class CacheValueTooLargeError extends KeelError {
  /** The cache key, when known. */
  readonly key: string | undefined;
  /** Encoded size in bytes. */
  readonly size: number;
  /** The limit in bytes. */
  readonly limit: number;

  constructor(options: { readonly key?: string | undefined; readonly size: number; readonly limit: number }) {
    super(
      'CACHE_VALUE_TOO_LARGE',
      `The value${options.key === undefined ? '' : ` for key "${options.key}"`} is ${options.size} bytes ` +
        `encoded, over the ${options.limit}-byte limit (maxValueBytes)`,
      { details: { key: options.key, size: options.size, limit: options.limit } },
    );
    this.key = options.key;
    this.size = options.size;
    this.limit = options.limit;
  }
}
