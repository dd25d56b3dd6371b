// AppMetrics: one prom-client registry per App, and the per-service sinks that write into it.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KeelError } from '../errors/keel-error.js';
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
import {
  BoundCounterSeries,
  BoundGaugeSeries,
  BoundHistogramSeries,
  type FlushedSeries,
} from './bound-series.js';

type Kind = 'counter' | 'gauge' | 'histogram';
type PromMetric = Counter | Gauge | Histogram;
type GaugeCollector = () => void | Promise<void>;

interface Declared {
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  readonly metric: PromMetric;
  readonly collectors: GaugeCollector[];
  /** Bound series, flushed into the metric on every scrape (before it is read). */
  readonly bound: FlushedSeries[];
}

/** The options every metric is made with: the `collect` hook flushes its bound series. */
interface MetricBase {
  name: string;
  help: string;
  labelNames: string[];
  registers: Registry[];
  collect: () => void;
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

  constructor(options: AppMetricsOptions) {
    this.enabled = options.enabled ?? true;
    this.registry.setDefaultLabels({ app: options.app });
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
        const counter = this.#declare('counter', spec, (base) => new Counter(base));
        return {
          inc: (labels, value = 1) => {
            counter.inc(withService(service, labels), value);
          },
          bind: (labels) =>
            this.#bind(spec.name, new BoundCounterSeries(counter, withService(service, labels))),
        };
      },
      gauge: <L extends string>(spec: GaugeSpec<L>): GaugeMetric<L> => {
        const collectors: GaugeCollector[] = [];
        const gauge = this.#declare(
          'gauge',
          spec,
          (base) => {
            return new Gauge({
              ...base,
              async collect() {
                base.collect();
                for (const run of collectors) await run();
              },
            });
          },
          collectors,
        );
        const facade: GaugeMetric<L> = {
          set: (labels, value) => {
            gauge.set(withService(service, labels), value);
          },
          bind: (labels) => this.#bind(spec.name, new BoundGaugeSeries(gauge, withService(service, labels))),
        };
        const { collect } = spec;
        if (collect !== undefined) this.#collectorsOf(spec.name).push(() => collect(facade));
        return facade;
      },
      histogram: <L extends string>(spec: HistogramSpec<L>): HistogramMetric<L> => {
        const buckets = [...(spec.buckets ?? SECONDS_BUCKETS)];
        const histogram = this.#declare('histogram', spec, (base) => new Histogram({ ...base, buckets }));
        return {
          observe: (labels, value) => {
            histogram.observe(withService(service, labels), value);
          },
          bind: (labels) =>
            this.#bind(spec.name, new BoundHistogramSeries(histogram, withService(service, labels), buckets)),
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

  #declare<M extends PromMetric>(
    kind: Kind,
    spec: MetricSpec<string>,
    create: (base: MetricBase) => M,
    collectors: GaugeCollector[] = [],
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
    const bound: FlushedSeries[] = [];
    const collect = (): void => {
      for (const series of bound) series.flush();
    };
    const metric = create({
      name: spec.name,
      help: spec.help,
      labelNames,
      registers: [this.registry],
      collect,
    });
    this.#declared.set(spec.name, { kind, labelNames, metric, collectors, bound });
    return metric;
  }

  /** Registers a bound series of the metric `name` for flushing; returns it. */
  #bind<S extends FlushedSeries>(name: string, series: S): S {
    this.#declared.get(name)?.bound.push(series);
    return series;
  }

  #collectorsOf(name: string): GaugeCollector[] {
    return this.#declared.get(name)?.collectors ?? [];
  }
}

function withService<L extends string>(
  service: string,
  labels: MetricLabels<L>,
): Record<string, string | number> {
  return { ...labels, service };
}
