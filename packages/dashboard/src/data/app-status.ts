// The serving app's health, its listeners' counters and what they say about their streams.
import type { App } from '@keel/core';
import { RedisListener } from '@keel/redis';
import { toJsonSafe, type JsonValue } from './json-safe.js';
import type { TrimModeLookup } from './stream-summaries.js';

/** One service of the app. */
export interface ServiceStatus {
  readonly name: string;
  readonly state: string;
  readonly healthy: boolean;
  readonly details: JsonValue;
}

/** One listener's counters (`listener.metrics`). */
export interface ListenerStatus {
  readonly name: string;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly metrics: JsonValue;
}

/** One series of the app's own metrics (`keel_*`, process metrics left out). */
export interface MetricSeries {
  readonly name: string;
  /** `counter`, `gauge`, `histogram` (its `_sum` and `_count`) or `summary`. */
  readonly type: string;
  /** Labels but `app`. */
  readonly labels: Readonly<Record<string, string>>;
  /** `null` for NaN and infinities. */
  readonly value: number | null;
}

/** The serving app at a glance. */
export interface AppStatus {
  readonly name: string;
  readonly env: string;
  readonly id: string;
  readonly healthy: boolean;
  readonly services: readonly ServiceStatus[];
  readonly listeners: readonly ListenerStatus[];
  /** The services' metrics from the app's registry (what `/metrics` exposes), at most {@link MAX_SERIES}. */
  readonly metrics: readonly MetricSeries[];
}

/** Bound on the series `GET app` returns. */
export const MAX_SERIES = 500;

/** The app's health (`app.health()`), its listeners' counters and its registry's Keel metrics. */
export async function appStatus(app: App): Promise<AppStatus> {
  const [health, metrics] = await Promise.all([app.health(), keelMetrics(app)]);
  return {
    name: app.name,
    env: app.env,
    id: app.id,
    healthy: health.healthy,
    services: Object.entries(health.services).map(([name, service]) => ({
      name,
      state: service.state,
      healthy: service.healthy,
      details: toJsonSafe(service.details ?? {}),
    })),
    listeners: app.services.findAll(RedisListener).map((listener) => ({
      name: listener.name,
      stream: listener.stream,
      group: listener.group,
      consumer: listener.consumer,
      metrics: toJsonSafe(listener.metrics),
    })),
    metrics,
  };
}

/** Metric families of the process (prom-client's default metrics), left out of {@link keelMetrics}. */
const PROCESS_METRICS = /^keel_(?:process|nodejs)_/;

/** The `keel_*` series of the app's registry, histogram buckets left out, sorted by name. */
async function keelMetrics(app: App): Promise<MetricSeries[]> {
  const families = await app.metrics.registry.getMetricsAsJSON();
  const series: MetricSeries[] = [];
  for (const family of families) {
    if (!family.name.startsWith('keel_') || PROCESS_METRICS.test(family.name)) continue;
    for (const value of family.values) {
      const name = (value as { metricName?: string }).metricName ?? family.name;
      if (name.endsWith('_bucket')) continue;
      const labels: Record<string, string> = {};
      for (const [key, label] of Object.entries(value.labels)) {
        if (key !== 'app' && label !== undefined) labels[key] = String(label);
      }
      series.push({
        name,
        type: String(family.type),
        labels,
        value: Number.isFinite(value.value) ? value.value : null,
      });
    }
  }
  series.sort((a, b) => a.name.localeCompare(b.name));
  return series.slice(0, MAX_SERIES);
}

/** The trim mode of the streams the app's listeners consume. */
export function appTrimModes(app: App): TrimModeLookup {
  return (key) => {
    const listener = app.services.findAll(RedisListener).find((candidate) => candidate.stream === key);
    if (listener === undefined) return undefined;
    return listener.settings.trimDelivered
      ? { mode: 'delivered' }
      : { mode: 'maxlen', size: listener.settings.trimSize };
  };
}
