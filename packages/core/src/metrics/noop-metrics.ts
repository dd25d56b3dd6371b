// NOOP_METRICS: the sink of a service whose app has metrics off (or a hand-built context without an app).
import type { BoundCounter, BoundGauge, BoundHistogram, MetricsSink } from './metrics-sink.js';

const bound: BoundCounter & BoundGauge & BoundHistogram = {
  inc: () => undefined,
  dec: () => undefined,
  set: () => undefined,
  observe: () => undefined,
};
const metric = {
  inc: () => undefined,
  set: () => undefined,
  observe: () => undefined,
  bind: () => bound,
  follow: () => undefined,
  remove: () => undefined,
};

/** A sink whose metrics record nothing. */
export const NOOP_METRICS: MetricsSink = {
  enabled: false,
  counter: () => metric,
  gauge: () => metric,
  histogram: () => metric,
};
