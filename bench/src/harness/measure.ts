import { performance } from 'node:perf_hooks';

/** Operations completed and time taken by one {@link runFor}. */
export interface Sample {
  readonly ops: number;
  readonly elapsedMs: number;
}

/**
 * Runs `op` with `concurrency` calls in flight until `durationMs` elapsed, and counts the
 * completed calls. An operation that throws aborts the measurement.
 */
export async function runFor(
  op: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<Sample> {
  const started = performance.now();
  const deadline = started + durationMs;
  let ops = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ops, elapsedMs: performance.now() - started };
}
