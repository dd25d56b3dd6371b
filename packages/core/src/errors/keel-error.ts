/** Options accepted by every {@link KeelError}. */
export interface KeelErrorOptions {
  /** The underlying error, kept for `error.cause`. */
  readonly cause?: unknown;
  /** Structured, log-safe facts about the failure (never secrets). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one base class of every error Keel throws.
 *
 * `code` is a stable, documented identifier (see docs/errors.md); `name` is the subclass name;
 * `cause` carries the underlying error when there is one.
 */
export class KeelError extends Error {
  /** Stable machine-readable error code, listed in docs/errors.md. */
  readonly code: string;
  /** Structured, log-safe facts about the failure. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is a {@link KeelError}, optionally with the given code. */
export function isKeelError(error: unknown, code?: string): error is KeelError {
  return error instanceof KeelError && (code === undefined || error.code === code);
}
