// scrape: an app's metrics as the admin endpoint serves them, parsed strictly, for exact assertions.
import { AdminHttpService, adminHttpSettings, type App } from '@keel/core';
import { metricSum, parsePrometheusText, type PrometheusSample } from '../../../test-utils/src/index.js';

/** The app's samples, parsed from `app.metrics.text()` (the text `/metrics` serves). */
export async function scrape(app: App): Promise<Scrape> {
  return new Scrape(parsePrometheusText(await app.metrics.text()));
}

/**
 * The app's samples as Prometheus gets them: GET `/metrics` of a real {@link AdminHttpService}
 * (on a free port) of the app, checking the status and the Prometheus content type.
 */
export async function scrapeOverHttp(app: App): Promise<Scrape> {
  const admin = new AdminHttpService({
    app,
    name: 'admin',
    settings: { ...adminHttpSettings.defaults, port: 0 },
    logger: app.logger,
  });
  await admin.init();
  try {
    const response = await fetch(`${admin.url}/metrics`);
    if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`GET /metrics content type ${type}`);
    return new Scrape(parsePrometheusText(await response.text()));
  } finally {
    await admin.close();
  }
}

/** One scrape of an app. */
export class Scrape {
  constructor(readonly samples: readonly PrometheusSample[]) {}

  /** The sum of the series of `name` with these labels; throws when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    const value = metricSum(this.samples, name, labels);
    if (value === undefined) {
      throw new Error(`no series ${name}${JSON.stringify(labels)} in the scrape`);
    }
    return value;
  }

  /** The series of `name` (labels and value), to compare whole. */
  series(name: string, labels: Record<string, string> = {}): PrometheusSample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }
}
