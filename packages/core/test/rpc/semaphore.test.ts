import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/rpc/semaphore.js';

describe('Semaphore', () => {
  it('hands slots to waiters in arrival order', async () => {
    const semaphore = new Semaphore(1, 10);
    const order: number[] = [];
    await semaphore.acquire();
    const waiters = [1, 2, 3].map((n) =>
      semaphore.acquire().then(() => {
        order.push(n);
      }),
    );
    expect(semaphore.queued).toBe(3);
    for (let i = 0; i < 3; i += 1) {
      semaphore.release();
      await waiters[i];
    }
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.active).toBe(1);
    semaphore.release();
    expect(semaphore.active).toBe(0);
  });

  it('removes an aborted waiter from the queue and rejects it with the reason', async () => {
    const semaphore = new Semaphore(1, 10);
    expect(semaphore.tryAcquire()).toBe(true);
    expect(semaphore.tryAcquire()).toBe(false);
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(semaphore.queued).toBe(0);
    await expect(semaphore.acquire(controller.signal)).rejects.toThrow('gone');
  });

  it('reports a full queue', async () => {
    const semaphore = new Semaphore(1, 1);
    expect(semaphore.queueFull).toBe(false);
    await semaphore.acquire();
    expect(semaphore.queueFull).toBe(false);
    const waiting = semaphore.acquire();
    expect(semaphore.queueFull).toBe(true);
    semaphore.release();
    await waiting;
    expect(semaphore.queueFull).toBe(false);
    expect(() => new Semaphore(0, 1)).toThrow(RangeError);
  });
});
