import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeBoth, withNode, type RedisTarget } from '../../../test-utils/src/index.js';
import { LockArgumentError } from '../../src/locks/errors/lock-argument-error.js';
import { LockNotReplicatedError } from '../../src/locks/errors/lock-not-replicated-error.js';
import { useLocksApp } from './locks-app.js';

/** Replicas each master has: none standalone, one per master in the test cluster, two behind Sentinel. */
function replicasOf(target: RedisTarget): number {
  return target.mode === 'standalone' ? 0 : target.mode === 'cluster' ? 1 : 2;
}

/** Data nodes (replicas included) that hold `key` with `value`. */
async function nodesHolding(target: RedisTarget, key: string, value: string): Promise<number> {
  let count = 0;
  for (const node of await target.nodes()) {
    const found = await withNode(node, target.password, async (client) => {
      await client.call('READONLY').catch(() => undefined); // cluster replicas answer reads after it
      return client.get(key).catch(() => null); // MOVED on a cluster master of another slot
    });
    if (found === value) count += 1;
  }
  return count;
}

describeBoth('RedisLocksService with replicas (WAIT)', (target) => {
  const started = useLocksApp(target);
  const replicas = replicasOf(target);
  const fresh = (name: string): string => `replicas:{${name}:${randomUUID()}}`;

  it.runIf(replicas > 0)('hands out a lock only once the replicas asked for have it', async () => {
    const key = fresh('ok');
    const lock = await started.locks.acquire(key, { identifier: 'durable', replicas });
    expect(lock.replicas).toBe(replicas);
    // WAIT returned: the primary and `replicas` replicas hold it, at the moment acquire resolves
    expect(await nodesHolding(target, key, 'durable')).toBe(1 + replicas);
    expect(await started.locks.renew(lock)).toBeGreaterThan(Date.now());
    await started.locks.release(lock);
    expect(await started.locks.exists(key)).toBe(false);
  });

  it('releases the lock and throws LockNotReplicatedError when fewer replicas confirm', async () => {
    const key = fresh('short');
    const error = await started.locks
      .acquire(key, { identifier: 'hopeful', replicas: replicas + 1, replicasTimeout: 200 })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(LockNotReplicatedError);
    expect(error).toMatchObject({
      code: 'LOCK_NOT_REPLICATED',
      operation: 'acquire',
      keys: [key],
      required: replicas + 1,
      acknowledged: replicas,
      timeoutMs: 200,
    });
    expect(await started.locks.exists(key)).toBe(false); // given back: nothing is held
    // the token it consumed is never handed out again
    const next = await started.locks.acquire(key, { identifier: 'next' });
    expect(next.token).toBe(2);
    await started.locks.release(next);
  });

  it('fails a renewal that fewer replicas confirm, and leaves the lock held', async () => {
    const key = fresh('renew');
    const lock = await started.locks.acquire(key, { identifier: 'renewer', ttl: 10_000 });
    await expect(started.locks.renew({ ...lock, replicas: replicas + 1 }, 5_000)).rejects.toMatchObject({
      code: 'LOCK_NOT_REPLICATED',
      operation: 'renew',
      acknowledged: replicas,
    });
    expect(await started.locks.owner(key)).toBe('renewer');
    await started.locks.release(lock);
  });

  it('rejects bad replica options before any command', async () => {
    const key = fresh('bad');
    await expect(started.locks.acquire(key, { replicas: -1 })).rejects.toBeInstanceOf(LockArgumentError);
    await expect(started.locks.acquire(key, { replicas: 1.5 })).rejects.toBeInstanceOf(LockArgumentError);
    await expect(started.locks.acquire(key, { replicas: 1, replicasTimeout: 0 })).rejects.toBeInstanceOf(
      LockArgumentError,
    );
    expect(await started.locks.exists(key)).toBe(false);
  });
});
