import { KeelError } from '@keel/core';
import { formatDecodeIssue, type DecodeIssue } from './decode-issue.js';

/** What a {@link CacheDecodeError} or `CacheEncodeError` knows. */
export interface CacheCodecErrorOptions {
  /** The cache key, when known. */
  readonly key?: string | undefined;
  /** Readable name of the type asked for (`User`, `Set`, `msgpack value`). */
  readonly expected: string;
  /**
   * Why: typia's `IValidation.IError[]` (or the same shape for built-in tokens) when the value
   * has another type, or the msgpack error when the bytes are not a MessagePack value.
   */
  readonly cause: unknown;
}

/** One line about the cause: the first issues, or the error message. */
export function describeCause(cause: unknown): string {
  if (Array.isArray(cause)) {
    const issues = cause as readonly DecodeIssue[];
    const shown = issues.slice(0, 3).map(formatDecodeIssue).join('; ');
    return issues.length > 3 ? `${shown}; and ${issues.length - 3} more` : shown;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A stored value could not be returned as the type asked for — it holds another type, or bytes
 * that are not MessagePack. The wrongly typed value is never returned.
 */
export class CacheDecodeError extends KeelError {
  /** The cache key, when known. */
  readonly key: string | undefined;
  /** Readable name of the type asked for. */
  readonly expected: string;
  /** The validation issues (empty when the bytes were not MessagePack). */
  readonly issues: readonly DecodeIssue[];

  constructor(options: CacheCodecErrorOptions) {
    super(
      'CACHE_DECODE_FAILED',
      `Cannot decode the cached value${options.key === undefined ? '' : ` of key "${options.key}"`} as ` +
        `${options.expected}: ${describeCause(options.cause)}`,
      { cause: options.cause, details: { key: options.key, expected: options.expected } },
    );
    this.key = options.key;
    this.expected = options.expected;
    this.issues = Array.isArray(options.cause) ? (options.cause as DecodeIssue[]) : [];
  }
}
