// listenerPrometheus: a RedisListener's Prometheus metrics, read from its ListenerCounters at scrape.
import type { BoundHistogram, MetricsSink } from '@keel/core';
import type { ListenerCounters } from './listener-metrics.js';

/** The labels of every series of one listener. */
export interface ListenerLabels {
  readonly stream: string;
  readonly group: string;
}

const LABELS = ['stream', 'group'] as const;

/** The counters exported, with the {@link ListenerCounters} field each one follows. */
const COUNTERS = [
  [
    'keel_stream_messages_processed_total',
    'Messages acknowledged after running (dead letters excluded).',
    'processed',
  ],
  ['keel_stream_messages_failed_total', 'Of the processed messages, those where a call failed.', 'failed'],
  ['keel_stream_messages_dead_lettered_total', 'Messages moved to the dead-letter stream.', 'deadLettered'],
  ['keel_stream_messages_retried_total', 'Failed runs left pending for another delivery.', 'retried'],
  ['keel_stream_messages_claimed_total', 'Entries taken over from idle consumers (XAUTOCLAIM).', 'claimed'],
  [
    'keel_stream_listener_errors_total',
    'Redis errors met by the listener loops (each one backs off).',
    'errors',
  ],
  ['keel_stream_entries_trimmed_total', 'Stream entries removed by trimming.', 'trimmed'],
] as const satisfies readonly (readonly [string, string, keyof ListenerCounters])[];

/**
 * Declares the listener's metrics: counters and gauges that read `counters` at scrape (nothing
 * on the hot path), and the batch duration histogram, whose series it returns.
 */
export function listenerPrometheus(
  sink: MetricsSink,
  labels: ListenerLabels,
  counters: ListenerCounters,
  paused: () => boolean,
): BoundHistogram {
  for (const [name, help, field] of COUNTERS) {
    sink.counter({ name, help, labelNames: LABELS }).follow(labels, () => counters[field]);
  }
  const gauge = (name: string, help: string, read: () => number | undefined): void => {
    sink.gauge({
      name,
      help,
      labelNames: LABELS,
      collect: (metric) => {
        const value = read();
        if (value !== undefined) metric.set(labels, value);
      },
    });
  };
  gauge('keel_stream_messages_in_flight', 'Messages being processed now.', () => counters.inFlight);
  gauge(
    'keel_stream_group_pending_messages',
    "The group's entries delivered and not acknowledged (XINFO GROUPS, refreshed every 5 s).",
    () => counters.pending,
  );
  gauge(
    'keel_stream_group_lag_messages',
    'Entries not yet delivered to the group (XINFO GROUPS lag, refreshed every 5 s).',
    () => counters.lag,
  );
  gauge('keel_stream_listener_paused', "1 while the topic's pause lock is held, else 0.", () =>
    paused() ? 1 : 0,
  );
  return sink
    .histogram({
      name: 'keel_stream_batch_duration_seconds',
      help: 'Time from the start of a batch to its acknowledgement.',
      labelNames: LABELS,
    })
    .bind(labels);
}
