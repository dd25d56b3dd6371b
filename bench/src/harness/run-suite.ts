import { Cleanup } from './cleanup.js';
import { runFor } from './measure.js';
import { median, roundRatios } from './round-ratios.js';
import type { BenchCase, BenchOptions, BenchSuite } from './suite.js';

/** The measured speed of one case. */
export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  readonly opsPerSec: number;
  /**
   * The median over the rounds of this case's ops/s over its baseline's in the same round
   * (a burst of noise on the machine then moves one round's ratio, not the result); absent for
   * baselines.
   */
  readonly ratio?: number;
  /** The lowest and highest of those per-round ratios. */
  readonly ratioRange?: readonly [number, number];
  readonly baseline?: string;
}

/**
 * Sets the suite up, warms every case up, then measures `rounds` rounds in which every case
 * runs for `durationMs`, rotating the order each round so that drift affects all cases alike.
 * Always tears the suite down (a teardown failure after a failed setup is ignored: the setup's
 * error is thrown).
 */
export async function runSuite(
  suite: BenchSuite,
  options: BenchOptions,
  progress: (message: string) => void,
): Promise<CaseResult[]> {
  const cleanup = new Cleanup();
  let cases: readonly BenchCase[];
  try {
    cases = await suite.setup(options, cleanup);
  } catch (error) {
    await cleanup.run().catch(() => undefined);
    throw error;
  }
  try {
    const totals = new Map(
      cases.map((benchCase) => [benchCase.name, { ops: 0, elapsedMs: 0, perRound: [] as number[] }]),
    );
    for (const benchCase of cases) {
      progress(`warming up ${benchCase.name}`);
      await runFor(benchCase.op, options.concurrency, options.warmupMs);
    }
    for (let round = 0; round < options.rounds; round++) {
      progress(`round ${round + 1}/${options.rounds}`);
      const order = cases.map((_, index) => cases[(index + round) % cases.length]!);
      for (const benchCase of order) {
        const sample = await runFor(benchCase.op, options.concurrency, options.durationMs);
        const total = totals.get(benchCase.name)!;
        total.ops += sample.ops;
        total.elapsedMs += sample.elapsedMs;
        total.perRound[round] = sample.ops / (sample.elapsedMs / 1000);
      }
    }
    const speed = new Map(
      [...totals].map(([name, total]) => [name, total.ops / (total.elapsedMs / 1000)] as const),
    );
    return cases.map((benchCase) => {
      const opsPerSec = speed.get(benchCase.name) ?? 0;
      const base = benchCase.baseline === undefined ? undefined : totals.get(benchCase.baseline);
      const ratios =
        base === undefined ? [] : roundRatios(totals.get(benchCase.name)!.perRound, base.perRound);
      return {
        suite: suite.name,
        name: benchCase.name,
        opsPerSec,
        ...(ratios.length === 0
          ? {}
          : { ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)] as const }),
        ...(benchCase.baseline === undefined ? {} : { baseline: benchCase.baseline }),
      };
    });
  } finally {
    await cleanup.run();
  }
}
