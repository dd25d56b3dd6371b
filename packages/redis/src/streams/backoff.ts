/** Options of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay in ms. */
  readonly initialMs: number;
  /** Largest delay in ms. */
  readonly maxMs: number;
}

/**
 * Exponential backoff with jitter for retry loops: each {@link next} doubles the delay up to
 * `maxMs` (±20 % jitter), {@link reset} starts over after a success. Bounds how often a failing
 * loop retries, so an outage never becomes a hot loop.
 */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: BackoffOptions) {
    this.#options = options;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The delay to wait before the next retry, in ms. */
  next(): number {
    const base = Math.min(this.#options.initialMs * 2 ** Math.min(this.#attempt, 30), this.#options.maxMs);
    this.#attempt += 1;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
