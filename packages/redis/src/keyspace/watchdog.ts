import type { KeyspaceConnection } from './keyspace-event.js';
import {
  KeyspaceWatcher,
  type KeyspaceCallback,
  type KeyspaceWatcherOptions,
  type KeyspaceWatcherStats,
} from './keyspace-watcher.js';

/** Options of {@link watchdog}: those of {@link KeyspaceWatcher} but the patterns and callbacks. */
export type WatchdogOptions = Omit<KeyspaceWatcherOptions, 'patterns' | 'callbacks'>;

/** A running {@link watchdog}. */
export interface WatchdogHandle {
  readonly watcher: KeyspaceWatcher;
  /** Resolves once subscribed on the server (every master of a cluster); rejects if that failed. */
  readonly ready: Promise<void>;
  /** Resolves with the stats when the watchdog stopped (after `count` events, or `stop()`); rejects if it could not start. */
  readonly done: Promise<KeyspaceWatcherStats>;
  /** Stops it (the events already taken in are delivered first). */
  stop(): Promise<KeyspaceWatcherStats>;
}

/**
 * Watches the keys matching `pattern` (a Redis glob, or several) and calls every callback with
 * `(key, value, event)` for each change, like aioredis-watchdog, on a server or a cluster.
 *
 * ```ts
 * const dog = watchdog('user-*', [async (key, value, event) => console.log(key, event, value?.toString())], transport, { count: 10 });
 * await dog.done; // after exactly 10 events
 * ```
 */
export function watchdog(
  pattern: string | readonly string[],
  callbacks: KeyspaceCallback | readonly KeyspaceCallback[],
  connection: KeyspaceConnection,
  options: WatchdogOptions = {},
): WatchdogHandle {
  const watcher = new KeyspaceWatcher(connection, {
    ...options,
    patterns: typeof pattern === 'string' ? [pattern] : pattern,
    callbacks: typeof callbacks === 'function' ? [callbacks] : callbacks,
  });
  const ready = watcher.start();
  ready.catch(() => undefined);
  return { watcher, ready, done: watcher.done, stop: () => watcher.stop() };
}
