// BoundedSeries: metric series by label value, capped so that a label stays bounded.

/** The label value shared by every value past the cap. */
export const OTHER_LABEL = '_other';

/**
 * Series (bound counters, histograms…) by label value, made on first use: at most `limit`
 * values get their own; later ones share the series labelled {@link OTHER_LABEL}, so a caller
 * that writes to ever new streams or methods cannot grow the registry without bound.
 */
export class BoundedSeries<T> {
  readonly #series = new Map<string, T>();
  readonly #limit: number;
  readonly #make: (value: string) => T;

  constructor(limit: number, make: (value: string) => T) {
    this.#limit = limit;
    this.#make = make;
  }

  /** The series of `value` (or the shared one, past the cap). */
  get(value: string): T {
    const known = this.#series.get(value);
    if (known !== undefined) return known;
    const label = this.#series.size < this.#limit ? value : OTHER_LABEL;
    let series = this.#series.get(label);
    if (series === undefined) {
      series = this.#make(label);
      this.#series.set(label, series);
    }
    return series;
  }
}
