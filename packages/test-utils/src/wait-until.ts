import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this many ms (default 30 000). */
  readonly timeout?: number;
  /** Pause between checks in ms (default 100). */
  readonly interval?: number;
  /** Describes what is awaited, for the timeout error. */
  readonly what?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false` and resolves with it.
 * A check that throws counts as "not yet"; the last error is reported on timeout.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitUntilOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? 30_000;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${options.what ?? 'a condition'}${detail}`, {
        cause: lastError,
      });
    }
    await sleep(options.interval ?? 100);
  }
}
