// scrape: an app's metrics as the admin endpoint serves them, parsed strictly, for exact assertions.
import type { App } from '@keel/core';
import { metricSum, parsePrometheusText, type PrometheusSample } from '../../../test-utils/src/index.js';

/** The app's samples, parsed from `app.metrics.text()` (the text `/metrics` serves). */
export async function scrape(app: App): Promise<Scrape> {
  return new Scrape(parsePrometheusText(await app.metrics.text()));
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
