import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { LockLostError } from '../../src/locks/errors/lock-lost-error.js';
import type { Lock } from '../../src/locks/lock.js';
import { startLocksApp, useLocksApp } from './locks-app.js';

const fresh = (name: string): string => `test.withlock.${name}.${randomUUID()}`;

/** Resolves when `signal` aborts, with its reason. */
const aborted = (signal: AbortSignal): Promise<unknown> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    signal.addEventListener('abort', () => {
      resolve(signal.reason);
    });
  });

describeBoth('RedisLocksService.withLock', (target) => {
  const started = useLocksApp(target);

  it('runs the function under the lock and releases it', async () => {
    const key = fresh('run');
    let seen: Lock | undefined;
    const result = await started.locks.withLock(
      key,
      async (signal, lock) => {
        seen = lock;
        expect(signal.aborted).toBe(false);
        expect(await started.locks.owner(key)).toBe(lock.identifier);
        await expect(started.locks.acquire(key, { wait: false })).rejects.toMatchObject({
          code: 'LOCK_EXISTS',
        });
        return 42;
      },
      { identifier: 'worker' },
    );
    expect(result).toBe(42);
    expect(seen).toMatchObject({ keys: [key], identifier: 'worker', token: 1 });
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('renews the lock while the function runs longer than its ttl', async () => {
    const key = fresh('renew');
    const result = await started.locks.withLock(
      key,
      async (signal, lock) => {
        await sleep(3000); // 2.5 ttls
        expect(signal.aborted).toBe(false);
        expect(await started.locks.isOwner(key, lock.identifier)).toBe(true);
        return 'done';
      },
      { ttl: 1200 },
    );
    expect(result).toBe('done');
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('aborts the signal with LockLostError and rejects when the lock is taken over', async () => {
    const key = fresh('lost');
    let reason: unknown;
    const run = started.locks.withLock(
      key,
      async (signal) => {
        await target.client().set(key, 'intruder', 'PX', 60_000); // the lock expired and was taken
        reason = await aborted(signal);
        throw new Error('stopped because the signal fired');
      },
      { ttl: 600 },
    );
    await expect(run).rejects.toBeInstanceOf(LockLostError);
    await expect(run).rejects.toMatchObject({ code: 'LOCK_LOST', keys: [key] });
    expect(reason).toBeInstanceOf(LockLostError);
    expect(await started.locks.owner(key)).toBe('intruder');
  });

  it('rejects at once when the lock is lost, even if the function ignores its signal', async () => {
    const key = fresh('ignored');
    let finish: (error: Error) => void = () => undefined;
    const run = started.locks.withLock(
      key,
      async () => {
        await target.client().del(key);
        await new Promise<never>((_, reject) => {
          finish = reject;
        });
      },
      { ttl: 600 },
    );
    // rejects while the function is still pending
    await expect(run).rejects.toMatchObject({ code: 'LOCK_LOST' });
    // the function fails later: that rejection is handled (vitest fails on unhandled ones)
    finish(new Error('late failure'));
    await sleep(20);
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('rejects with LockLostError when the lock is gone at release', async () => {
    const key = fresh('gone');
    await expect(
      started.locks.withLock(key, async () => {
        await target.client().del(key);
        return 'value';
      }),
    ).rejects.toMatchObject({ code: 'LOCK_LOST', message: expect.stringContaining('at release') });
  });

  it("rejects with the function's error and releases", async () => {
    const key = fresh('throws');
    const failure = new Error('boom');
    await expect(
      started.locks.withLock(key, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(started.locks.withLock(key, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('does not run the function when the lock is held (wait: false)', async () => {
    const key = fresh('held');
    const held = await started.locks.acquire(key);
    let ran = false;
    await expect(
      started.locks.withLock(
        key,
        () => {
          ran = true;
        },
        { wait: false },
      ),
    ).rejects.toMatchObject({ code: 'LOCK_EXISTS' });
    expect(ran).toBe(false);
    await started.locks.release(held);
  });

  it("passes the caller's abort on to the function", async () => {
    const key = fresh('caller-abort');
    const controller = new AbortController();
    const result = await started.locks.withLock(
      key,
      async (signal) => {
        controller.abort('caller gave up');
        return aborted(signal);
      },
      { signal: controller.signal },
    );
    expect(result).toBe('caller gave up');
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('aborts running functions with LocksClosedError at close and releases their locks', async () => {
    const closing = await startLocksApp(target);
    const key = fresh('close');
    let reason: unknown;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const run = closing.locks.withLock(key, async (signal) => {
      entered();
      reason = await aborted(signal);
    });
    run.catch(() => undefined);
    await inside;
    await closing.stop();
    await expect(run).rejects.toMatchObject({ code: 'LOCKS_CLOSED' });
    expect(reason).toMatchObject({ code: 'LOCKS_CLOSED' });
    expect(await started.locks.exists(key)).toBe(false);
  });
});
