import { dependency, KeelError, Service, type ServiceHealth } from '@keel/core';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import type { KeyspaceGap } from './keyspace-gap.js';
import { KeyspaceWatcherPrometheus } from './keyspace-watcher-prometheus.js';
import { KeyspaceWatcher, type KeyspaceCallback, type KeyspaceWatcherStats } from './keyspace-watcher.js';
import {
  redisKeyspaceWatcherSettings,
  type RedisKeyspaceWatcherSettings,
} from './redis-keyspace-watcher-settings.js';

const transport = dependency(RedisTransportService, { setting: 'transport' });

/**
 * Keyspace notifications as a service: watches the keys matching `patterns` on the transport's
 * server (or every master of its cluster) from `init` to `close`, and calls the callbacks that
 * other services register with {@link addCallback} (in their own `init`; events arriving while
 * no callback is registered are delivered to none).
 *
 * ```yaml
 * - cls: RedisKeyspaceWatcher
 *   name: users_watcher
 *   settings: { patterns: ["user:*"], events: "$gx" }
 * ```
 */
export class RedisKeyspaceWatcher extends Service<RedisKeyspaceWatcherSettings> {
  static override settingsSpec = redisKeyspaceWatcherSettings;
  static override dependencies = [transport];

  readonly #callbacks = new Set<KeyspaceCallback>();
  readonly #gapListeners = new Set<(gap: KeyspaceGap) => void>();
  #watcher: KeyspaceWatcher | undefined;
  readonly #metrics = new KeyspaceWatcherPrometheus(this.metricsSink);

  /** The running watcher (notices, stats, `done`). Throws `KEYSPACE_NOT_STARTED` before `init`. */
  get watcher(): KeyspaceWatcher {
    if (this.#watcher === undefined) {
      throw new KeelError('KEYSPACE_NOT_STARTED', `RedisKeyspaceWatcher "${this.name}" is not started`);
    }
    return this.#watcher;
  }

  /** Registers a callback (before or after `init`); returns a function that removes it. */
  addCallback(callback: KeyspaceCallback): () => void {
    this.#callbacks.add(callback);
    this.#watcher?.addCallback(callback);
    return () => {
      this.#callbacks.delete(callback);
      this.#watcher?.removeCallback(callback);
    };
  }

  /**
   * Registers a listener for gaps: events may have been missed (a lost subscriber connection, a
   * failover) and flow again; re-read what must not be missed. Returns a function that removes it.
   */
  onGap(listener: (gap: KeyspaceGap) => void): () => void {
    this.#gapListeners.add(listener);
    return () => {
      this.#gapListeners.delete(listener);
    };
  }

  /** Current counters (zeros before `init`). */
  stats(): KeyspaceWatcherStats | undefined {
    return this.#watcher?.stats();
  }

  override async init(): Promise<void> {
    const { settings } = this;
    const watcher = new KeyspaceWatcher(this.use(transport), {
      patterns: settings.patterns,
      events: settings.events,
      ...(settings.db === undefined ? {} : { db: settings.db }),
      fetchValue: settings.fetchValue,
      count: settings.count ?? undefined,
      configure: settings.configure,
      concurrency: settings.concurrency,
      maxPending: settings.maxPending,
      topologyCheckMs: settings.topologyCheckMs,
      handoverTimeoutMs: settings.handoverTimeoutMs,
      logger: this.logger,
      callbacks: [...this.#callbacks],
      onGap: (gap) => {
        for (const listener of this.#gapListeners) listener(gap);
      },
    });
    this.#watcher = watcher;
    this.#metrics.watch(watcher);
    await watcher.start();
    this.logger.info(
      { patterns: settings.patterns, events: settings.events, nodes: watcher.source.nodes() },
      'watching keyspace events',
    );
  }

  override async close(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (watcher !== undefined) await watcher.stop();
  }

  override health(): Promise<ServiceHealth> {
    const watcher = this.#watcher;
    if (watcher === undefined) return Promise.resolve({ healthy: false, details: { status: 'not started' } });
    return Promise.resolve({
      healthy: true,
      details: {
        status: watcher.stopped ? 'stopped' : 'watching',
        nodes: watcher.source.nodes(),
        ...watcher.stats(),
      },
    });
  }
}
