import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { startLocksApp, type LocksApp } from '../locks/locks-app.js';
import { scrape } from './scrape.js';

const apps: LocksApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

describeBoth('locks metrics', (target) => {
  const fresh = (name: string): string => `metrics:${name}:${randomUUID()}`;
  const svc = { service: 'RedisLocksService' };

  it('counts acquisitions, refusals, timeouts and lost locks, and shows the locks held', async () => {
    const started = await startLocksApp(target);
    apps.push(started);
    const { app, locks } = started;
    const a = fresh('a');
    const lock = await locks.acquire(a);
    await expect(locks.acquire(a, { wait: false })).rejects.toMatchObject({ code: 'LOCK_EXISTS' });
    await expect(locks.acquire(a, { timeout: 100 })).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    let heldInside = -1;
    await locks.withLock(fresh('b'), async () => {
      heldInside = (await scrape(app)).value('keel_locks_held', svc);
    });
    expect(heldInside).toBe(2);
    let s = await scrape(app);
    expect(s.value('keel_lock_acquisitions_total', svc)).toBe(2);
    expect(s.value('keel_lock_refusals_total', svc)).toBe(1);
    expect(s.value('keel_lock_timeouts_total', svc)).toBe(1);
    expect(s.value('keel_lock_lost_total', svc)).toBe(0);
    expect(s.value('keel_locks_held', svc)).toBe(1);
    expect(s.value('keel_lock_wait_seconds_count', svc)).toBe(2);
    await locks.release(lock);
    expect((await scrape(app)).value('keel_locks_held', svc)).toBe(0);

    // Lost: found gone by withLock's release, and by a plain release.
    const c = fresh('c');
    await expect(
      locks.withLock(c, async () => {
        await target.client().del(c);
      }),
    ).rejects.toMatchObject({ code: 'LOCK_LOST' });
    const d = fresh('d');
    const dLock = await locks.acquire(d);
    await target.client().del(d);
    await expect(locks.release(dLock)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER' });
    s = await scrape(app);
    expect(s.value('keel_lock_lost_total', svc)).toBe(2);
    expect(s.value('keel_lock_acquisitions_total', svc)).toBe(4);
    expect(s.value('keel_locks_held', svc)).toBe(0);
  });

  it('forgets a held lock once it expired, and follows renewals', async () => {
    const started = await startLocksApp(target);
    apps.push(started);
    const { app, locks } = started;
    const lock = await locks.acquire(fresh('e'), { ttl: 300 });
    await locks.renew(lock, 60_000);
    await locks.acquire(fresh('f'), { ttl: 100 });
    await waitUntil(async () => (await scrape(app)).value('keel_locks_held', svc) === 1, {
      what: 'the 100 ms lock to count as expired',
    });
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the first lock's original ttl
    expect((await scrape(app)).value('keel_locks_held', svc)).toBe(1);
  });
});
