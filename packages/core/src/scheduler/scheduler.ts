import { KeelError } from '../errors/keel-error.js';
import { Service } from '../services/service.js';
import type { ScheduleOptions, ScheduledTask, TaskFunction } from './scheduled-task.js';
import { type SchedulerSettings, schedulerSettings } from './scheduler-settings.js';
import { TaskRunner } from './task-runner.js';

/**
 * Runs functions periodically without overlapping runs of the same task.
 *
 * ```ts
 * const scheduler = app.services.get(Scheduler);
 * const task = scheduler.schedule(async (signal) => refresh(signal), { intervalMs: 5000, name: 'refresh' });
 * task.disable();
 * ```
 * Tasks scheduled before `init` start when the service starts. `close()` stops every timer and
 * waits for runs in progress up to `closeTimeoutMs`, then aborts their signals.
 */
export class Scheduler extends Service<SchedulerSettings> {
  static override settingsSpec = schedulerSettings;

  readonly #tasks: TaskRunner[] = [];
  #started = false;
  #closed = false;

  /** Schedules `fn` every `intervalMs`; see {@link ScheduleOptions} for the policies. */
  schedule(fn: TaskFunction, options: ScheduleOptions): ScheduledTask {
    if (this.#closed) throw new KeelError('SCHEDULER_CLOSED', 'The scheduler is closed');
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
      throw new KeelError(
        'SCHEDULER_INVALID_OPTIONS',
        `intervalMs must be a positive number, got ${options.intervalMs}`,
      );
    }
    const name = options.name ?? (fn.name === '' ? `task-${this.#tasks.length + 1}` : fn.name);
    const task = new TaskRunner(fn, options, name, this.logger);
    this.#tasks.push(task);
    if (this.#started) task.start();
    return task;
  }

  /** Every task scheduled so far. */
  get tasks(): readonly ScheduledTask[] {
    return this.#tasks;
  }

  override init(): Promise<void> {
    this.#started = true;
    for (const task of this.#tasks) task.start();
    return Promise.resolve();
  }

  override async close(): Promise<void> {
    this.#closed = true;
    const running = this.#tasks.map((task) => task.close()).filter((run) => run !== undefined);
    if (running.length === 0) return;
    const all = Promise.allSettled(running);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(true);
        }, this.settings.closeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.logger.warn({ tasks: running.length }, 'tasks still running at close; aborting them');
      for (const task of this.#tasks)
        task.abort(new KeelError('SCHEDULER_CLOSED', 'The scheduler is closing'));
    }
  }
}
