// pubsubPrometheus: the Prometheus metrics of RedisPublisher and RedisSubscriber (messages published, received, processed, failed, invalid).
import type { BoundCounter, MetricsSink } from '@keel/core';

/** The counts a subscriber keeps (its `metrics`). */
interface SubscriberCounts {
  readonly received: number;
  readonly processed: number;
  readonly failed: number;
  readonly invalid: number;
  readonly inFlight: number;
}

/** The publisher's counter of messages published (bound once: one addition per message). */
export function publisherPrometheus(sink: MetricsSink): BoundCounter {
  return sink
    .counter({ name: 'keel_pubsub_messages_published_total', help: 'Pub/sub messages published.' })
    .bind({});
}

/** Exports the subscriber's own counters at scrape, and its messages in flight. */
export function subscriberPrometheus(sink: MetricsSink, read: () => SubscriberCounts): void {
  const follow = (name: string, help: string, field: Exclude<keyof SubscriberCounts, 'inFlight'>) => {
    sink.counter({ name, help }).follow({}, () => read()[field]);
  };
  follow('keel_pubsub_messages_received_total', 'Pub/sub messages received.', 'received');
  follow('keel_pubsub_messages_processed_total', 'Pub/sub messages whose calls all ran.', 'processed');
  follow('keel_pubsub_messages_failed_total', 'Pub/sub messages where a call failed.', 'failed');
  follow('keel_pubsub_messages_invalid_total', 'Pub/sub messages that could not be decoded.', 'invalid');
  sink.gauge({
    name: 'keel_pubsub_messages_in_flight',
    help: 'Pub/sub messages being processed now.',
    collect: (gauge) => {
      gauge.set({}, read().inFlight);
    },
  });
}
