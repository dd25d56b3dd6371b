import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBoth, waitUntil, withNode } from '../../../test-utils/src/index.js';
import type { Lock } from '../../src/locks/lock.js';
import type { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import { redisLocksSettings } from '../../src/locks/redis-locks-settings.js';
import { startLocksApp, type LocksApp } from './locks-app.js';

const fresh = (name: string): string => `test.waiting.${name}.${randomUUID()}`;
const channelOf = (key: string): string => redisLocksSettings.defaults.channelPrefix + key;

/**
 * A fallback retry (60 s) longer than any test may run: a waiter that gets the lock was woken by
 * a release notification, or retried when the lock's own ttl ran out.
 */
const NO_FALLBACK = { retryMinMs: 60_000, retryMaxMs: 60_000 };

describeBoth('RedisLocksService waiting', (target) => {
  let holderApp: LocksApp;
  let waiterApp: LocksApp;
  let holder: RedisLocksService;
  let waiter: RedisLocksService;

  beforeAll(async () => {
    holderApp = await startLocksApp(target);
    waiterApp = await startLocksApp(target, NO_FALLBACK);
    holder = holderApp.locks;
    waiter = waiterApp.locks;
  });

  afterAll(async () => {
    await Promise.all([holderApp.stop(), waiterApp.stop()]);
  });

  /** Subscribers of `channel` on every node (a cluster subscriber sits on any one node). */
  const subscribers = async (channel: string): Promise<number> => {
    const nodes = await target.nodes();
    const counts = await Promise.all(
      nodes.map((node) =>
        withNode(node, target.password, async (client) => {
          const reply = (await client.pubsub('NUMSUB', channel)) as [string, number | string];
          return Number(reply[1]);
        }),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  };

  /** Waits until the waiter service is subscribed to the release channel of `key`. */
  const waitingOn = (key: string): Promise<boolean> =>
    waitUntil(async () => (await subscribers(channelOf(key))) > 0, {
      timeout: 10_000,
      interval: 20,
      what: `a subscriber on ${channelOf(key)}`,
    });

  it('wakes a waiting acquire when the lock is released elsewhere', async () => {
    const key = fresh('release');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const pending = waiter.acquire(key, { timeout: 25_000 });
    await waitingOn(key);
    expect(await holder.owner(key)).toBe(held.identifier);
    await holder.release(held);
    const lock = await pending;
    expect(lock.token).toBe(held.token + 1);
    await waiter.release(lock);
    // the last waiter left: the channel is unsubscribed
    await waitUntil(async () => (await subscribers(channelOf(key))) === 0, { interval: 20, timeout: 10_000 });
  });

  it('retries when the held lock expires, without a release', async () => {
    const key = fresh('expiry');
    const held = await holder.acquire(key, { ttl: 400 });
    const lock = await waiter.acquire(key, { timeout: 25_000 });
    expect(lock.token).toBe(held.token + 1);
    await expect(holder.release(held)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER' });
    await waiter.release(lock);
  });

  it('hands the lock from waiter to waiter, one release waking one of them', async () => {
    const key = fresh('chain');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const order: number[] = [];
    const workers = Array.from({ length: 8 }, async () => {
      const lock = await waiter.acquire(key, { timeout: 25_000 });
      order.push(lock.token);
      await sleep(5);
      await waiter.release(lock);
    });
    await waitingOn(key);
    await holder.release(held);
    await Promise.all(workers);
    expect(order).toEqual(Array.from({ length: 8 }, (_, index) => held.token + 1 + index));
  });

  it('never misses a wake while workers keep coming back for the lock', async () => {
    const key = fresh('loop');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const tokens: number[] = [];
    const workers = Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 5; i++) {
        const lock = await waiter.acquire(key, { timeout: 25_000 });
        tokens.push(lock.token);
        await waiter.release(lock);
      }
    });
    await waitingOn(key);
    await holder.release(held);
    await Promise.all(workers);
    expect(tokens).toEqual(Array.from({ length: 50 }, (_, index) => held.token + 1 + index));
  });

  it('passes a wake on when the woken acquirer is blocked by another of its keys', async () => {
    const tag = randomUUID();
    const a = `test.waiting:{${tag}}:a`;
    const b = `test.waiting:{${tag}}:b`;
    const heldA = await holder.acquire(a, { identifier: 'h1', ttl: 60_000 });
    const heldB = await holder.acquire(b, { identifier: 'h2', ttl: 60_000 });
    const both = waiter.acquire([a, b], { identifier: 'both', timeout: 25_000 });
    await waitingOn(b);
    const onlyA = waiter.acquire(a, { identifier: 'only-a', timeout: 25_000 });
    await sleep(200); // let it go to sleep; a wake is then the only way it can get `a`

    await holder.release(heldA); // wakes `both` first, which is still blocked by b
    const lockA = await onlyA;
    expect(lockA.identifier).toBe('only-a');
    await holder.release(heldB);
    await sleep(50);
    expect(await waiter.owner(b)).toBeNull(); // `both` still waits for a
    await waiter.release(lockA);
    const lockBoth = await both;
    expect(lockBoth.keys).toEqual([a, b]);
    expect(lockBoth.token).toBeGreaterThan(lockA.token);
    await waiter.release(lockBoth);
  });

  it('times out with LockTimeoutError and stops listening', async () => {
    const key = fresh('timeout');
    const held = await holder.acquire(key, { ttl: 60_000 });
    await expect(waiter.acquire(key, { timeout: 300 })).rejects.toMatchObject({
      name: 'LockTimeoutError',
      code: 'LOCK_TIMEOUT',
      keys: [key],
      timeoutMs: 300,
    });
    await expect(waiter.acquire(key, { timeout: 0 })).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    await waitUntil(async () => (await subscribers(channelOf(key))) === 0, { interval: 20, timeout: 10_000 });
    expect(await holder.owner(key)).toBe(held.identifier);
    await holder.release(held);
  });

  it('aborts a wait with the signal, as LockAbortedError', async () => {
    const key = fresh('abort');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const controller = new AbortController();
    const pending = waiter.acquire(key, { signal: controller.signal, timeout: 25_000 });
    await waitingOn(key);
    const reason = new Error('no longer needed');
    controller.abort(reason);
    await expect(pending).rejects.toMatchObject({
      name: 'LockAbortedError',
      code: 'LOCK_ABORTED',
      cause: reason,
    });

    await expect(waiter.acquire(key, { signal: AbortSignal.abort('early') })).rejects.toMatchObject({
      code: 'LOCK_ABORTED',
      cause: 'early',
    });
    const other = fresh('abort-free');
    await expect(waiter.acquire(other, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'LOCK_ABORTED',
    });
    expect(await waiter.exists(other)).toBe(false);
    await expect(waiter.wait(key, 25_000, AbortSignal.abort())).rejects.toMatchObject({
      code: 'LOCK_ABORTED',
    });
    await holder.release(held);
  });

  it('wait() resolves true once the key is free, false on timeout', async () => {
    const key = fresh('wait');
    expect(await waiter.wait(key)).toBe(true);
    const held = await holder.acquire(key, { ttl: 60_000 });
    expect(await waiter.wait(key, 200)).toBe(false);
    const pending = waiter.wait(key, 25_000);
    await waitingOn(key);
    await holder.release(held);
    expect(await pending).toBe(true);

    const expiring = await holder.acquire(key, { ttl: 300 });
    expect(await waiter.wait(key, 25_000)).toBe(true);
    expect(await holder.exists(key)).toBe(false);
    await expect(holder.release(expiring)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER' });
  });

  it('wakes every wait() but only one acquire per release', async () => {
    const key = fresh('watchers');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const watchers = [waiter.wait(key, 25_000), waiter.wait(key, 25_000)];
    const first = waiter.acquire(key, { timeout: 25_000 });
    await waitingOn(key);
    await holder.release(held);
    expect(await Promise.all(watchers)).toEqual([true, true]);
    const lock: Lock = await first;
    expect(await waiter.owner(key)).toBe(lock.identifier);
    await waiter.release(lock);
  });

  it('close() rejects pending calls with LocksClosedError', async () => {
    const closing = await startLocksApp(target, NO_FALLBACK);
    const key = fresh('close');
    const held = await holder.acquire(key, { ttl: 60_000 });
    const acquiring = closing.locks.acquire(key, { timeout: 25_000 });
    const waiting = closing.locks.wait(key, 25_000);
    acquiring.catch(() => undefined);
    waiting.catch(() => undefined);
    await waitingOn(key);
    await closing.stop();
    await expect(acquiring).rejects.toMatchObject({ name: 'LocksClosedError', code: 'LOCKS_CLOSED' });
    await expect(waiting).rejects.toMatchObject({ code: 'LOCKS_CLOSED' });
    await expect(closing.locks.acquire(fresh('after'))).rejects.toMatchObject({ code: 'LOCKS_CLOSED' });
    await waitUntil(async () => (await subscribers(channelOf(key))) === 0, { interval: 20, timeout: 10_000 });
    await holder.release(held);
  });
});
