// roundRatios, median: how a case's per-round speeds become its ratio to a baseline.

/** Per round, `cases[r] / baselines[r]` (rounds where the baseline did nothing are left out). */
export function roundRatios(cases: readonly number[], baselines: readonly number[]): number[] {
  const ratios: number[] = [];
  cases.forEach((value, round) => {
    const base = baselines[round];
    if (base !== undefined && base > 0) ratios.push(value / base);
  });
  return ratios;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
