// ForwarderPrometheus: the Prometheus metrics of a KeyspaceForwarder (events in, out, buffered, replayed, dropped).
import type { BoundCounter, MetricsSink } from '@keel/core';
import type { KeyspaceEventSource } from '../keyspace/keyspace-event-source.js';
import { within } from '../util/within.js';
import type { ForwardStats } from './forward-pump.js';

/** Bound on the `LLEN` of the fallback list at scrape, in ms. */
const LLEN_TIMEOUT_MS = 1000;

/** What the metrics read from their forwarder at scrape. */
export interface ForwarderReadings {
  /** Counters over every leadership term, and the current term's state. */
  readonly stats: () => ForwardStats & { filtered: number; pending: number; sinkDown: boolean };
  readonly leader: () => boolean;
  /** `LLEN` of the fallback list (rejects when Redis cannot answer). */
  readonly fallbackLength: () => Promise<number>;
}

const COUNTERS: readonly (readonly [string, string, keyof ForwardStats | 'filtered'])[] = [
  [
    'keel_forwarder_events_forwarded_total',
    'Events delivered to the sink (directly or replayed).',
    'forwarded',
  ],
  ['keel_forwarder_events_replayed_total', 'Of those, events replayed from the fallback list.', 'replayed'],
  [
    'keel_forwarder_events_buffered_total',
    'Events written to the fallback list while the sink was down.',
    'buffered',
  ],
  [
    'keel_forwarder_events_dropped_total',
    'Events lost: the sink failed with fallback off, or unreadable entries.',
    'dropped',
  ],
  ['keel_forwarder_events_filtered_total', 'Events that matched no key mask (not forwarded).', 'filtered'],
  ['keel_forwarder_send_failures_total', 'Failed sends to the sink.', 'sendFailures'],
];

/**
 * The forwarder's metrics: events received from Redis, forwarded, replayed, buffered, dropped,
 * filtered; gaps and lost connections of its subscriptions; and, at scrape, whether it leads,
 * whether the sink is down, the events in memory and (while leading) the fallback list's length.
 */
export class ForwarderPrometheus {
  /** Events received from Redis (counted by the forwarder as they arrive). */
  readonly received: BoundCounter;
  readonly #gaps: BoundCounter;
  readonly #disconnects: BoundCounter;

  constructor(sink: MetricsSink, readings: ForwarderReadings) {
    this.received = sink
      .counter({
        name: 'keel_forwarder_events_received_total',
        help: 'Keyspace events received while leading.',
      })
      .bind({});
    this.#gaps = sink
      .counter({ name: 'keel_forwarder_gaps_total', help: 'Gaps reported: events may have been missed.' })
      .bind({});
    this.#disconnects = sink
      .counter({ name: 'keel_forwarder_disconnects_total', help: 'Subscriber connections lost.' })
      .bind({});
    for (const [name, help, field] of COUNTERS) {
      sink.counter({ name, help }).follow({}, () => readings.stats()[field]);
    }
    const gauge = (name: string, help: string, read: () => number): void => {
      sink.gauge({
        name,
        help,
        collect: (metric) => {
          metric.set({}, read());
        },
      });
    };
    gauge('keel_forwarder_leader', '1 while this instance is the leader (the one forwarding), else 0.', () =>
      readings.leader() ? 1 : 0,
    );
    gauge('keel_forwarder_sink_down', '1 while the sink is considered unreachable, else 0.', () =>
      readings.stats().sinkDown ? 1 : 0,
    );
    gauge(
      'keel_forwarder_pending_events',
      'Events held in memory, not yet sent or buffered.',
      () => readings.stats().pending,
    );
    sink.gauge({
      name: 'keel_forwarder_fallback_length',
      help: 'Events waiting in the fallback list (LLEN; exported by the leader only).',
      collect: async (metric) => {
        if (!readings.leader()) {
          metric.remove({});
          return;
        }
        const length = await within(readings.fallbackLength(), LLEN_TIMEOUT_MS).catch(() => undefined);
        if (length !== undefined) metric.set({}, length);
      },
    });
  }

  /** Counts the gaps and lost connections of a term's event source. */
  watch(source: KeyspaceEventSource): void {
    source.on('gap', () => {
      this.#gaps.inc();
    });
    source.on('disconnected', () => {
      this.#disconnects.inc();
    });
  }
}
