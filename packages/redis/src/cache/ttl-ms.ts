import { CacheArgumentError } from './cache-argument-error.js';

/** Seconds → ms, at least 1 ms; throws for anything but a positive finite number. */
export function secondsToMs(seconds: number, what = 'ttl'): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new CacheArgumentError(`${what} must be a positive number of seconds, got ${String(seconds)}`, {
      [what]: seconds,
    });
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * The expiry in ms of a write: its `ttl` option (0: none), else the default; `undefined` means
 * no expiry.
 */
export function writeTtlMs(ttl: number | undefined, defaultTtlMs: number | undefined): number | undefined {
  if (ttl === undefined) return defaultTtlMs;
  if (ttl === 0) return undefined;
  return secondsToMs(ttl);
}
