import type { Logger } from '../logger/create-logger.js';
import type { ScheduleOptions, ScheduledTask, TaskFunction } from './scheduled-task.js';

/** Runs one scheduled task on its timer; never overlaps runs of the same task. */
export class TaskRunner implements ScheduledTask {
  readonly name: string;
  runs = 0;
  failures = 0;
  skipped = 0;
  lastError: unknown = undefined;
  #enabled = true;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<void> | undefined;
  #controller: AbortController | undefined;
  readonly #fn: TaskFunction;
  readonly #options: Required<Omit<ScheduleOptions, 'timeoutMs' | 'name'>> & { timeoutMs?: number };
  readonly #logger: Logger;

  constructor(fn: TaskFunction, options: ScheduleOptions, name: string, logger: Logger) {
    this.#fn = fn;
    this.name = name;
    this.#logger = logger;
    this.#options = {
      intervalMs: options.intervalMs,
      policy: options.policy ?? 'skip',
      retries: options.retries ?? 0,
      runImmediately: options.runImmediately ?? false,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
  }

  get enabled(): boolean {
    return this.#enabled && !this.#closed;
  }

  get running(): boolean {
    return this.#current !== undefined;
  }

  start(): void {
    if (this.#options.runImmediately) this.#tick();
    this.#arm();
  }

  disable(): void {
    this.#enabled = false;
    this.#clearTimer();
  }

  enable(): void {
    if (this.#closed || this.#enabled) return;
    this.#enabled = true;
    this.#arm();
  }

  /** Stops the timer and returns the run in progress, if any. */
  close(): Promise<void> | undefined {
    this.#closed = true;
    this.#clearTimer();
    return this.#current;
  }

  /** Aborts the signal of the run in progress. */
  abort(reason: unknown): void {
    this.#controller?.abort(reason);
  }

  #arm(): void {
    if (!this.enabled || this.#timer !== undefined) return;
    if (this.#options.policy === 'skip') {
      this.#timer = setInterval(() => {
        this.#tick();
      }, this.#options.intervalMs);
    } else if (this.#current === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#tick();
      }, this.#options.intervalMs);
    }
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (!this.enabled) return;
    if (this.#current !== undefined) {
      this.skipped += 1;
      return;
    }
    this.#current = this.#runWithRetries().finally(() => {
      this.#current = undefined;
      this.runs += 1;
      if (this.#options.policy === 'wait') this.#arm();
    });
  }

  async #runWithRetries(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.#runOnce();
        return;
      } catch (error) {
        if (attempt < this.#options.retries && this.enabled) {
          this.#logger.warn({ task: this.name, attempt: attempt + 1, err: error }, 'task failed; retrying');
          continue;
        }
        this.failures += 1;
        this.lastError = error;
        this.#logger.error({ task: this.name, err: error }, 'task failed');
        return;
      }
    }
  }

  async #runOnce(): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const { timeoutMs } = this.#options;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            controller.abort(new Error(`task "${this.name}" exceeded ${timeoutMs} ms`));
          }, timeoutMs);
    const run = Promise.resolve().then(() => this.#fn(controller.signal));
    try {
      await (timeoutMs === undefined ? run : Promise.race([run, rejectOnAbort(controller.signal)]));
    } catch (error) {
      // A timed-out run is still waited for, so runs of one task never overlap.
      await run.catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
      this.#controller = undefined;
    }
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener(
      'abort',
      () => {
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      },
      { once: true },
    );
  });
}
