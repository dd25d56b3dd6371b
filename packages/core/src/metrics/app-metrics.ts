// AppMetrics: one prom-client registry per App, and the per-service sinks that write into it.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KeelError } from '../errors/keel-error.js';
import { BoundCounterSeries, BoundGaugeSeries, BoundHistogramSeries } from './bound-series.js';
import type {
  CounterMetric,
  GaugeMetric,
  GaugeSpec,
  HistogramMetric,
  HistogramSpec,
  MetricLabels,
  MetricSpec,
  MetricsSink,
} from './metrics-sink.js';
import { SECONDS_BUCKETS } from './metrics-sink.js';
import { NOOP_METRICS } from './noop-metrics.js';
import { OPENMETRICS_CONTENT_TYPE, openMetricsText } from './open-metrics-text.js';

type Kind = 'counter' | 'gauge' | 'histogram';
type PromMetric = Counter | Gauge | Histogram;
/** Runs at scrape, before the metric's values are read. */
type Collector = () => void | Promise<void>;

interface Declared {
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  readonly metric: PromMetric;
  /** Run at scrape: the flushes of bound and followed series, and the gauges' `collect` callbacks. */
  readonly collectors: Collector[];
}

/** Options of {@link AppMetrics}. */
export interface AppMetricsOptions {
  /** The `app` label of every series. */
  readonly app: string;
  /** False: every service gets {@link NOOP_METRICS} and the registry stays empty. */
  readonly enabled?: boolean;
  /** Also collect prom-client's default process metrics (true). */
  readonly processMetrics?: boolean;
}

/**
 * The metrics of one app: a prom-client {@link Registry} (so two apps in one process do not
 * clash) with the default label `app`, and a {@link MetricsSink} per service.
 */
export class AppMetrics {
  /** The app's registry; `await registry.metrics()` is the Prometheus text. */
  readonly registry: Registry = new Registry();
  readonly enabled: boolean;
  readonly #declared = new Map<string, Declared>();
  readonly #defaultLabels: Readonly<Record<string, string>>;

  constructor(options: AppMetricsOptions) {
    this.enabled = options.enabled ?? true;
    this.#defaultLabels = { app: options.app };
    this.registry.setDefaultLabels({ ...this.#defaultLabels });
    if (this.enabled && (options.processMetrics ?? true)) {
      collectDefaultMetrics({ register: this.registry, prefix: 'keel_' });
    }
  }

  /** The sink of one service: its metrics carry `service="<name>"`. */
  forService(service: string): MetricsSink {
    if (!this.enabled) return NOOP_METRICS;
    return {
      enabled: true,
      counter: <L extends string>(spec: MetricSpec<L>): CounterMetric<L> => {
        const collectors: Collector[] = [];
        const counter = this.#declare(
          'counter',
          spec,
          (base) => new Counter({ ...base, collect: flushAll(collectors) }),
          collectors,
        );
        const flushes = this.#collectorsOf(spec.name);
        return {
          inc: (labels, value = 1) => {
            counter.inc(withService(service, labels), value);
          },
          bind: (labels) => {
            const series = new BoundCounterSeries(counter, withService(service, labels));
            flushes.push(() => {
              series.flush();
            });
            return series;
          },
          follow: (labels, read) => {
            const full = withService(service, labels);
            let reported = 0;
            flushes.push(() => {
              const now = read();
              // A smaller count means the source started over: what it counted since is new.
              const gained = now >= reported ? now - reported : now;
              reported = now;
              counter.inc(full, Number.isFinite(gained) && gained > 0 ? gained : 0);
            });
          },
        };
      },
      gauge: <L extends string>(spec: GaugeSpec<L>): GaugeMetric<L> => {
        const collectors: Collector[] = [];
        const gauge = this.#declare(
          'gauge',
          spec,
          (base) => new Gauge({ ...base, collect: flushAll(collectors) }),
          collectors,
        );
        const facade: GaugeMetric<L> = {
          set: (labels, value) => {
            gauge.set(withService(service, labels), value);
          },
          bind: (labels) => {
            const series = new BoundGaugeSeries(gauge, withService(service, labels));
            this.#collectorsOf(spec.name).push(() => {
              series.flush();
            });
            return series;
          },
          remove: (labels) => {
            gauge.remove(withService(service, labels));
          },
        };
        const { collect } = spec;
        if (collect !== undefined) this.#collectorsOf(spec.name).push(() => collect(facade));
        return facade;
      },
      histogram: <L extends string>(spec: HistogramSpec<L>): HistogramMetric<L> => {
        const buckets = [...(spec.buckets ?? SECONDS_BUCKETS)];
        const collectors: Collector[] = [];
        const histogram = this.#declare(
          'histogram',
          spec,
          (base) => new Histogram({ ...base, buckets, collect: flushAll(collectors) }),
          collectors,
        );
        return {
          observe: (labels, value) => {
            histogram.observe(withService(service, labels), value);
          },
          bind: (labels) => {
            const series = new BoundHistogramSeries(histogram, withService(service, labels), buckets);
            this.#collectorsOf(spec.name).push(() => {
              series.flush();
            });
            return series;
          },
        };
      },
    };
  }

  /** The exposition text in the registry's content type ({@link contentType}). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** `Content-Type` of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The same metrics in OpenMetrics 1.0 text ({@link openMetricsContentType}). */
  openMetricsText(): Promise<string> {
    return openMetricsText(this.registry, this.#defaultLabels);
  }

  /** `Content-Type` of {@link openMetricsText}. */
  get openMetricsContentType(): string {
    return OPENMETRICS_CONTENT_TYPE;
  }

  #declare<M extends PromMetric>(
    kind: Kind,
    spec: MetricSpec<string>,
    create: (base: { name: string; help: string; labelNames: string[]; registers: Registry[] }) => M,
    collectors: Collector[] = [],
  ): M {
    const labelNames = ['service', ...(spec.labelNames ?? [])];
    const existing = this.#declared.get(spec.name);
    if (existing !== undefined) {
      if (existing.kind !== kind || existing.labelNames.join() !== labelNames.join()) {
        throw new KeelError(
          'METRIC_CONFLICT',
          `metric "${spec.name}" is declared as a ${kind} with labels [${labelNames.join(', ')}], but it is already a ${existing.kind} with labels [${existing.labelNames.join(', ')}]`,
        );
      }
      return existing.metric as M;
    }
    const metric = create({ name: spec.name, help: spec.help, labelNames, registers: [this.registry] });
    this.#declared.set(spec.name, { kind, labelNames, metric, collectors });
    return metric;
  }

  #collectorsOf(name: string): Collector[] {
    return this.#declared.get(name)?.collectors ?? [];
  }
}

/** A `collect` that runs every collector in turn (awaiting the asynchronous ones). */
function flushAll(collectors: readonly Collector[]): () => Promise<void> {
  return async () => {
    for (const run of collectors) await run();
  };
}

function withService<L extends string>(
  service: string,
  labels: MetricLabels<L>,
): Record<string, string | number> {
  return { ...labels, service };
}
