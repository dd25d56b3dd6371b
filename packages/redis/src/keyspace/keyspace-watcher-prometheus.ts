// KeyspaceWatcherPrometheus: the Prometheus metrics of a RedisKeyspaceWatcher, read from its watcher's stats at scrape.
import type { MetricsSink } from '@keel/core';
import type { KeyspaceWatcher, KeyspaceWatcherStats } from './keyspace-watcher.js';

type Counted =
  | 'accepted'
  | 'delivered'
  | 'callbackErrors'
  | 'fetchErrors'
  | 'gaps'
  | 'disconnects'
  | 'handoverSkipped'
  | 'pauses';

const COUNTERS: readonly (readonly [string, string, Counted])[] = [
  ['keel_keyspace_events_received_total', 'Keyspace events taken in.', 'accepted'],
  ['keel_keyspace_events_delivered_total', 'Events whose callbacks all settled.', 'delivered'],
  ['keel_keyspace_callback_errors_total', 'Callback calls that threw or rejected.', 'callbackErrors'],
  ['keel_keyspace_fetch_errors_total', 'Values that could not be read (fetchValue: get).', 'fetchErrors'],
  [
    'keel_keyspace_gaps_total',
    'Gaps reported: events may have been missed (a lost connection, a failover).',
    'gaps',
  ],
  ['keel_keyspace_disconnects_total', 'Subscriber connections lost.', 'disconnects'],
  [
    'keel_keyspace_handover_skipped_events_total',
    'Events dropped at a failover handover because the old master reported them already.',
    'handoverSkipped',
  ],
  [
    'keel_keyspace_backpressure_pauses_total',
    'Times reading stopped because maxPending events were waiting.',
    'pauses',
  ],
];

/**
 * The watcher service's metrics. Each `init` makes a new {@link KeyspaceWatcher}: the counters
 * add the final counts of the earlier ones to the current one's, so they never go back.
 */
export class KeyspaceWatcherPrometheus {
  readonly #retired: Record<Counted, number> = {
    accepted: 0,
    delivered: 0,
    callbackErrors: 0,
    fetchErrors: 0,
    gaps: 0,
    disconnects: 0,
    handoverSkipped: 0,
    pauses: 0,
  };
  #current: KeyspaceWatcher | undefined;

  constructor(sink: MetricsSink) {
    for (const [name, help, field] of COUNTERS) {
      sink
        .counter({ name, help })
        .follow({}, () => this.#retired[field] + (this.#current?.stats()[field] ?? 0));
    }
    sink.gauge({
      name: 'keel_keyspace_pending_events',
      help: 'Events taken in and not delivered yet.',
      collect: (gauge) => {
        gauge.set({}, this.#live()?.stats().pending ?? 0);
      },
    });
    sink.gauge({
      name: 'keel_keyspace_nodes',
      help: 'Redis nodes subscribed to (every master of a cluster).',
      collect: (gauge) => {
        gauge.set({}, this.#live()?.source.nodes().length ?? 0);
      },
    });
  }

  /** Follows `watcher` from now on (the one before, stopped, is kept in the totals). */
  watch(watcher: KeyspaceWatcher): void {
    const previous = this.#current;
    if (previous !== undefined) this.#retire(previous.stats());
    this.#current = watcher;
  }

  #retire(stats: KeyspaceWatcherStats): void {
    for (const [, , field] of COUNTERS) this.#retired[field] += stats[field];
  }

  #live(): KeyspaceWatcher | undefined {
    const current = this.#current;
    return current === undefined || current.stopped ? undefined : current;
  }
}
