/** How a task behaves when a run lasts longer than its interval. */
export type SchedulePolicy = 'skip' | 'wait';

/** Options of {@link Scheduler.schedule}. */
export interface ScheduleOptions {
  /** Interval between runs in ms. */
  readonly intervalMs: number;
  /** Name used in logs and metrics (default: the function's name or `task-N`). */
  readonly name?: string;
  /**
   * `skip` (default): runs start on a fixed rate; ticks that fall while a run is in progress are
   * skipped. `wait`: the next run starts `intervalMs` after the previous one ended.
   */
  readonly policy?: SchedulePolicy;
  /** Abort a run's signal after this many ms (the run counts as failed). No limit by default. */
  readonly timeoutMs?: number;
  /** Retries of a failed run within the same tick (0). */
  readonly retries?: number;
  /** Run once right away instead of after the first interval (false). */
  readonly runImmediately?: boolean;
}

/** The task function; honour `signal` to stop early on timeout or app stop. */
export type TaskFunction = (signal: AbortSignal) => unknown;

/** A handle to a scheduled task. */
export interface ScheduledTask {
  readonly name: string;
  /** False once disabled; a disabled task finishes its current run and starts no new one. */
  readonly enabled: boolean;
  /** True while a run is in progress. */
  readonly running: boolean;
  /** Completed runs (successful or not). */
  readonly runs: number;
  /** Runs that failed after their retries. */
  readonly failures: number;
  /** Ticks skipped because the previous run was still going (`skip` policy). */
  readonly skipped: number;
  /** The last failure, if any. */
  readonly lastError: unknown;
  /** Stops scheduling new runs. */
  disable(): void;
  /** Resumes scheduling. */
  enable(): void;
}
