// Bound series that cost a few additions per update: values kept here, flushed into prom-client's series on every scrape.
import type { Counter, Gauge, Histogram } from 'prom-client';
import { KeelError } from '../errors/keel-error.js';
import type { BoundCounter, BoundGauge, BoundHistogram } from './metrics-sink.js';

/** A series bound to its labels, written on the hot path and copied into prom-client by {@link flush}. */
export interface FlushedSeries {
  /** Moves what was recorded since the last flush into the prom-client metric (on scrape). */
  flush(): void;
}

type Labels = Record<string, string | number>;

/**
 * A counter series: `inc` adds to a local number (prom-client's own `labels().inc` hashes the
 * labels on every call); the sum goes to prom-client on scrape.
 */
export class BoundCounterSeries implements BoundCounter, FlushedSeries {
  readonly #counter: Counter;
  readonly #labels: Labels;
  #pending = 0;

  constructor(counter: Counter, labels: Labels) {
    this.#counter = counter;
    this.#labels = labels;
  }

  inc(value = 1): void {
    if (!(value >= 0) || value === Infinity)
      throw new KeelError('METRIC_INVALID_VALUE', `a counter cannot be increased by ${value}`);
    this.#pending += value;
  }

  /** Adds the sum since the last flush (0 the first time makes the series appear at 0). */
  flush(): void {
    this.#counter.inc(this.#labels, this.#pending);
    this.#pending = 0;
  }
}

/** A gauge series: its value lives here (the binding owns the series) and is set on scrape. */
export class BoundGaugeSeries implements BoundGauge, FlushedSeries {
  readonly #gauge: Gauge;
  readonly #labels: Labels;
  #value = 0;

  constructor(gauge: Gauge, labels: Labels) {
    this.#gauge = gauge;
    this.#labels = labels;
  }

  set(value: number): void {
    this.#value = value;
  }

  inc(value = 1): void {
    this.#value += value;
  }

  dec(value = 1): void {
    this.#value -= value;
  }

  flush(): void {
    this.#gauge.set(this.#labels, this.#value);
  }
}

/** What prom-client keeps per histogram series (its `hashMap` entries, stable since v11). */
interface HistogramEntry {
  readonly labels: Labels;
  readonly bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * A histogram series: observations are counted per bucket here and added to prom-client's
 * series on scrape. prom-client has no call that adds many observations at once, so the flush
 * adds them to the series' entry (`hashMap`) directly; a prom-client whose histograms keep
 * their series otherwise is refused when binding (`METRIC_UNSUPPORTED`) rather than miscounted.
 */
export class BoundHistogramSeries implements BoundHistogram, FlushedSeries {
  readonly #histogram: Histogram;
  readonly #labels: Labels;
  readonly #bounds: readonly number[];
  /** Observations per bucket since the last flush; the last slot is above every bound (+Inf only). */
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(histogram: Histogram, labels: Labels, bounds: readonly number[]) {
    this.#histogram = histogram;
    this.#labels = labels;
    this.#bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
    if (typeof (histogram as unknown as { hashMap?: unknown }).hashMap !== 'object') {
      throw new KeelError('METRIC_UNSUPPORTED', 'this prom-client keeps histogram series in an unknown way');
    }
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new KeelError('METRIC_INVALID_VALUE', `cannot observe ${value}`);
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#sum += value;
    this.#count += 1;
  }

  flush(): void {
    if (this.#count === 0) return;
    const entry = this.#entry();
    this.#bounds.forEach((bound, index) => {
      entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + (this.#counts[index] ?? 0);
    });
    entry.sum += this.#sum;
    entry.count += this.#count;
    this.#counts.fill(0);
    this.#sum = 0;
    this.#count = 0;
  }

  /** prom-client's entry of this series, made (with zeros) when it has none. */
  #entry(): HistogramEntry {
    const find = (): HistogramEntry | undefined => {
      const entries = Object.values(
        (this.#histogram as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap,
      );
      return entries.find((candidate) => sameLabels(candidate.labels, this.#labels));
    };
    let entry = find();
    if (entry === undefined) {
      this.#histogram.zero(this.#labels);
      entry = find();
    }
    if (entry === undefined)
      throw new KeelError('METRIC_UNSUPPORTED', 'prom-client made no histogram series');
    return entry;
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((key) => String(a[key]) === String(b[key]));
}
