import type { Cleanup } from './cleanup.js';

/** How a suite is measured; set from the command line. */
export interface BenchOptions {
  /** Operations kept in flight per case. */
  readonly concurrency: number;
  /** Measured time per case per round, in ms. */
  readonly durationMs: number;
  /** Unmeasured time per case before the first round, in ms. */
  readonly warmupMs: number;
  /** Rounds; the cases take turns within each round (in a rotating order) to spread noise. */
  readonly rounds: number;
}

/** One measured operation of a suite. */
export interface BenchCase {
  readonly name: string;
  /** The case this one is compared with (`ratio` = this / baseline); none: it is a baseline. */
  readonly baseline?: string;
  /** Performs one operation. */
  readonly op: () => Promise<unknown>;
}

/** A benchmark suite, registered in `suites/index.ts`. */
export interface BenchSuite {
  readonly name: string;
  /** One line shown by `--list` and above the table. */
  readonly description: string;
  /** Concurrency to use unless `--concurrency` is given. */
  readonly defaultConcurrency?: number;
  /**
   * Acquires what the cases need, registering its release in `cleanup` (run when the suite
   * ends, or at once when `setup` fails), and returns the cases.
   */
  setup(options: BenchOptions, cleanup: Cleanup): Promise<readonly BenchCase[]>;
}

/** Declares a suite (identity; gives type checking at the definition). */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}
