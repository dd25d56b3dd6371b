import { Cleanup } from './cleanup.js';
import { runFor } from './measure.js';
import type { BenchCase, BenchOptions, BenchSuite } from './suite.js';

/** The measured speed of one case. */
export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  readonly opsPerSec: number;
  /** opsPerSec / the baseline's opsPerSec; absent for baselines. */
  readonly ratio?: number;
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
    const totals = new Map(cases.map((benchCase) => [benchCase.name, { ops: 0, elapsedMs: 0 }]));
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
      }
    }
    const speed = new Map(
      [...totals].map(([name, total]) => [name, total.ops / (total.elapsedMs / 1000)] as const),
    );
    return cases.map((benchCase) => {
      const opsPerSec = speed.get(benchCase.name) ?? 0;
      const base = benchCase.baseline === undefined ? undefined : speed.get(benchCase.baseline);
      return {
        suite: suite.name,
        name: benchCase.name,
        opsPerSec,
        ...(base === undefined || base === 0 ? {} : { ratio: opsPerSec / base }),
        ...(benchCase.baseline === undefined ? {} : { baseline: benchCase.baseline }),
      };
    });
  } finally {
    await cleanup.run();
  }
}
