import { KeelError } from '@keel/core';
import { describeCause, type CacheCodecErrorOptions } from './cache-decode-error.js';
import type { DecodeIssue } from './decode-issue.js';

/**
 * A value could not be written as the type given — it does not match it, or msgpack cannot
 * encode it (a symbol, a cycle). Nothing is written.
 */
export class CacheEncodeError extends KeelError {
  /** The cache key, when known. */
  readonly key: string | undefined;
  /** Readable name of the type the value was written as. */
  readonly expected: string;
  /** The validation issues (empty when msgpack failed). */
  readonly issues: readonly DecodeIssue[];

  constructor(options: CacheCodecErrorOptions) {
    super(
      'CACHE_ENCODE_FAILED',
      `Cannot encode the value${options.key === undefined ? '' : ` for key "${options.key}"`} as ` +
        `${options.expected}: ${describeCause(options.cause)}`,
      { cause: options.cause, details: { key: options.key, expected: options.expected } },
    );
    this.key = options.key;
    this.expected = options.expected;
    this.issues = Array.isArray(options.cause) ? (options.cause as DecodeIssue[]) : [];
  }
}
