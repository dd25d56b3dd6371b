// openMetricsText: a registry's metrics in OpenMetrics text, leaving the registry and its metrics untouched.
import { type Metric, type OpenMetricsContentType, Registry } from 'prom-client';

/** What the registry reads of a metric to render it. */
interface Renderable {
  name: string;
  readonly help: string;
  readonly type: string;
  get(): Promise<{ name: string }>;
  getForPromString?(): Promise<{ name: string }>;
}

/**
 * The exposition of `registry` in OpenMetrics 1.0 text (counters as `name_total` under a
 * `# TYPE name counter`, ending in `# EOF`), with `defaultLabels` on every series.
 *
 * prom-client renders OpenMetrics only from a registry whose content type is OpenMetrics, and
 * doing so renames each counter it holds (drops `_total` from the metric's `name`, for good). So
 * the metrics are rendered through a throwaway OpenMetrics registry of views: each view reads its
 * metric's values and takes the renaming itself, and the app's registry keeps serving the
 * Prometheus text unchanged, also while both formats are scraped at once.
 */
export async function openMetricsText(
  registry: Registry,
  defaultLabels: Readonly<Record<string, string>>,
): Promise<string> {
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  openMetrics.setDefaultLabels({ ...defaultLabels });
  for (const metric of registry.getMetricsAsArray() as unknown as Renderable[]) {
    const view: Renderable = {
      name: metric.name,
      help: metric.help,
      type: metric.type,
      get: async () => {
        const data = await (metric.getForPromString?.() ?? metric.get());
        return { ...data, name: view.name };
      },
    };
    openMetrics.registerMetric(view as unknown as Metric);
  }
  return openMetrics.metrics();
}

/** `Content-Type` of {@link openMetricsText}. */
export const OPENMETRICS_CONTENT_TYPE: string = Registry.OPENMETRICS_CONTENT_TYPE;
