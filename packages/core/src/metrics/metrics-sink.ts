// MetricsSink: the one interface through which a service records metrics (no prom-client import needed).

/** Label values of one series; only bounded values (names, outcomes), never ids or keys. */
export type MetricLabels<L extends string> = { readonly [K in L]: string | number };

/** Declaration of a metric: Prometheus name (`keel_` prefix, base units, `_total` counters). */
export interface MetricSpec<L extends string = never> {
  readonly name: string;
  readonly help: string;
  /** Labels besides `app` and `service`, which every Keel metric carries. */
  readonly labelNames?: readonly L[];
}

/** A gauge declaration; `collect` runs on every scrape, before the values are read. */
export interface GaugeSpec<L extends string = never> extends MetricSpec<L> {
  readonly collect?: (gauge: GaugeMetric<L>) => void | Promise<void>;
}

/** A histogram declaration; `buckets` default to {@link SECONDS_BUCKETS}. */
export interface HistogramSpec<L extends string = never> extends MetricSpec<L> {
  readonly buckets?: readonly number[];
}

/** One counter series with its labels bound (cheap to increment on a hot path). */
export interface BoundCounter {
  inc(value?: number): void;
}

/** One gauge series with its labels bound. */
export interface BoundGauge {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

/** One histogram series with its labels bound. */
export interface BoundHistogram {
  observe(value: number): void;
}

/** A monotonically increasing count (`_total`). */
export interface CounterMetric<L extends string = never> {
  inc(labels: MetricLabels<L>, value?: number): void;
  /**
   * The series for these labels, shown (at 0) from the next scrape on. Its `inc` is a plain
   * addition, handed to the registry at scrape: bind once (at init), increment on the hot path.
   */
  bind(labels: MetricLabels<L>): BoundCounter;
  /**
   * A series that follows a count the service keeps anyway (e.g. `listener.metrics.processed`):
   * at each scrape it adds what `read()` gained since the previous scrape, so the hot path pays
   * nothing. `read` must not decrease; a smaller value is taken as a count that started over
   * from 0. Call once per series (at construction or init).
   */
  follow(labels: MetricLabels<L>, read: () => number): void;
}

/** A value that goes up and down. */
export interface GaugeMetric<L extends string = never> {
  set(labels: MetricLabels<L>, value: number): void;
  bind(labels: MetricLabels<L>): BoundGauge;
  /** Drops a series (e.g. a node that left the cluster), so it is no longer exported. */
  remove(labels: MetricLabels<L>): void;
}

/** A distribution of observed values (durations in seconds). */
export interface HistogramMetric<L extends string = never> {
  observe(labels: MetricLabels<L>, value: number): void;
  bind(labels: MetricLabels<L>): BoundHistogram;
}

/**
 * Where a service records its metrics. Each service gets one bound to its name (`this.metricsSink`),
 * which adds the `service` label; the app's registry adds `app`. Declaring the same name twice (two
 * services of one class) returns the same metric; a name declared with another type or other
 * labels throws `METRIC_CONFLICT`.
 */
export interface MetricsSink {
  /** False when metrics are off (`app.metrics: false`): every metric is a no-op. */
  readonly enabled: boolean;
  counter<L extends string = never>(spec: MetricSpec<L>): CounterMetric<L>;
  gauge<L extends string = never>(spec: GaugeSpec<L>): GaugeMetric<L>;
  histogram<L extends string = never>(spec: HistogramSpec<L>): HistogramMetric<L>;
}

/** Histogram buckets for durations in seconds, from 0.5 ms (a local Redis round trip) to 10 s. */
export const SECONDS_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
