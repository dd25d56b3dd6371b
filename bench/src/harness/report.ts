import type { CaseResult } from './run-suite.js';
import type { BenchOptions } from './suite.js';

/** Rounded to 3 decimals. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** One JSON object per line: `{"suite","name","opsPerSec","ratio"?,"ratioRange"?}`. */
export function formatJsonLines(results: readonly CaseResult[]): string {
  return results
    .map(({ suite, name, opsPerSec, ratio, ratioRange }) =>
      JSON.stringify({
        suite,
        name,
        opsPerSec: Math.round(opsPerSec),
        ...(ratio === undefined ? {} : { ratio: round3(ratio) }),
        ...(ratioRange === undefined ? {} : { ratioRange: ratioRange.map(round3) }),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** `(low–high) ` of the per-round ratios, or nothing. */
function rangeText(range: readonly [number, number] | undefined): string {
  return range === undefined ? '' : `(${range[0].toFixed(2)}–${range[1].toFixed(2)}) `;
}

/** A text table: name, ops/s and the ratio to the case's baseline (median of the rounds, and their range). */
export function formatTable(
  suite: { readonly name: string; readonly description: string },
  results: readonly CaseResult[],
  options: BenchOptions,
): string {
  const rows = results.map((result) => [
    result.name,
    Math.round(result.opsPerSec).toLocaleString('en-US'),
    result.ratio === undefined
      ? 'baseline'
      : `${result.ratio.toFixed(2)} ${rangeText(result.ratioRange)}vs ${result.baseline ?? '?'}`,
  ]);
  const header = ['name', 'ops/s', 'ratio'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [
    `${suite.name}: ${suite.description}`,
    `(concurrency ${options.concurrency}, ${options.rounds} rounds x ${options.durationMs} ms per case, warmup ${options.warmupMs} ms)`,
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
  ].join('\n');
}
