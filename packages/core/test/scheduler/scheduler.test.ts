import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { schedulerSettings } from '../../src/scheduler/scheduler-settings.js';
import type { AppContext } from '../../src/services/service.js';
import { silentLogger } from '../app/fixtures.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

let scheduler: Scheduler | undefined;

function makeScheduler(closeTimeoutMs = 1000): Scheduler {
  scheduler = new Scheduler({
    app: {} as AppContext,
    name: 'scheduler',
    settings: { ...schedulerSettings.defaults, closeTimeoutMs },
    logger: silentLogger,
  });
  return scheduler;
}

afterEach(async () => {
  await scheduler?.close();
  scheduler = undefined;
});

describe('Scheduler', () => {
  it('runs a task repeatedly and stops when disabled', async () => {
    const s = makeScheduler();
    await s.init();
    let count = 0;
    const task = s.schedule(() => void (count += 1), { intervalMs: 10, name: 'count' });
    await until(() => count >= 3);
    task.disable();
    expect(task.enabled).toBe(false);
    const frozen = count;
    await sleep(50);
    expect(count).toBe(frozen);
    expect(task.name).toBe('count');
  });

  it('starts tasks scheduled before init only at init', async () => {
    const s = makeScheduler();
    let count = 0;
    s.schedule(() => void (count += 1), { intervalMs: 5, runImmediately: true });
    await sleep(30);
    expect(count).toBe(0);
    await s.init();
    await until(() => count >= 1);
  });

  it('never overlaps runs of one task (skip policy counts skipped ticks)', async () => {
    const s = makeScheduler();
    await s.init();
    let concurrent = 0;
    let maxConcurrent = 0;
    const task = s.schedule(
      async () => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(40);
        concurrent -= 1;
      },
      { intervalMs: 5, policy: 'skip' },
    );
    await until(() => task.runs >= 3);
    expect(maxConcurrent).toBe(1);
    expect(task.skipped).toBeGreaterThan(0);
  });

  it('wait policy starts the next run an interval after the previous ended', async () => {
    const s = makeScheduler();
    await s.init();
    const ends: number[] = [];
    const starts: number[] = [];
    const task = s.schedule(
      async () => {
        starts.push(Date.now());
        await sleep(20);
        ends.push(Date.now());
      },
      { intervalMs: 30, policy: 'wait' },
    );
    await until(() => task.runs >= 3);
    task.disable();
    expect(task.skipped).toBe(0);
    for (let i = 1; i < starts.length; i += 1) {
      expect(starts[i]! - ends[i - 1]!).toBeGreaterThanOrEqual(25);
    }
  });

  it('retries a failing run and records the failure after retries', async () => {
    const s = makeScheduler();
    await s.init();
    let attempts = 0;
    const task = s.schedule(
      () => {
        attempts += 1;
        throw new Error('boom');
      },
      { intervalMs: 1000, retries: 2, runImmediately: true },
    );
    await until(() => task.failures === 1);
    expect(attempts).toBe(3);
    expect((task.lastError as Error).message).toBe('boom');
  });

  it('aborts a run that exceeds timeoutMs and counts it failed', async () => {
    const s = makeScheduler();
    await s.init();
    let aborted = false;
    const task = s.schedule(
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
      { intervalMs: 1000, timeoutMs: 20, runImmediately: true },
    );
    await until(() => task.failures === 1);
    expect(aborted).toBe(true);
  });

  it('close waits for a running task', async () => {
    const s = makeScheduler();
    await s.init();
    let finished = false;
    s.schedule(
      async () => {
        await sleep(50);
        finished = true;
      },
      { intervalMs: 1000, runImmediately: true },
    );
    await sleep(5);
    await s.close();
    expect(finished).toBe(true);
  });

  it('close is bounded: it aborts tasks still running after closeTimeoutMs', async () => {
    const s = makeScheduler(30);
    await s.init();
    let aborted = false;
    s.schedule(
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
      { intervalMs: 1000, runImmediately: true },
    );
    await sleep(5);
    await s.close();
    expect(aborted).toBe(true);
    expect(() => s.schedule(() => undefined, { intervalMs: 10 })).toThrow(/closed/);
  });

  it('rejects a non-positive interval', async () => {
    const s = makeScheduler();
    await s.init();
    expect(() => s.schedule(() => undefined, { intervalMs: 0 })).toThrow(
      expect.objectContaining({ code: 'SCHEDULER_INVALID_OPTIONS' }),
    );
  });
});
