import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { fenceKeyOf } from '../../src/locks/fence-key.js';
import { keySlot } from '../../src/cluster/key-slot.js';
import { redisLocksSettings } from '../../src/locks/redis-locks-settings.js';
import { useLocksApp } from './locks-app.js';

/** A fresh key, so tests never see each other's locks. */
const fresh = (name: string): string => `test.locks.${name}.${randomUUID()}`;
/** Several fresh keys sharing one hash tag (one cluster slot). */
const tagged = (...names: string[]): string[] => {
  const tag = randomUUID();
  return names.map((name) => `test.locks:{${tag}}:${name}`);
};

describe('RedisLocksService settings', () => {
  it('has documented defaults and rejects unknown keys', () => {
    expect(redisLocksSettings.defaults).toEqual({
      defaultTtlMs: 30_000,
      waitTimeoutMs: 10_000,
      retryMinMs: 50,
      retryMaxMs: 200,
      channelPrefix: 'keel.locks.released:',
      replicas: 0,
      replicasTimeoutMs: 1000,
      tracing: false,
    });
    expect(redisLocksSettings.validate({ transport: 'redis', defaultTtlMs: 1000 }).success).toBe(true);
    expect(redisLocksSettings.validate({ replicas: 1, replicasTimeoutMs: 500 }).success).toBe(true);
    expect(redisLocksSettings.validate({ replicasTimeoutMs: 0 }).success).toBe(false);
    expect(redisLocksSettings.validate({ ttl: 1000 }).success).toBe(false);
    expect(redisLocksSettings.validate({ defaultTtlMs: 0 }).success).toBe(false);
    expect(redisLocksSettings.keys).toContain('channelPrefix');
  });
});

describeBoth('RedisLocksService', (target) => {
  const started = useLocksApp(target);

  it('acquires, reports the owner and releases', async () => {
    const key = fresh('basic');
    const before = Date.now();
    const lock = await started.locks.acquire(key, { identifier: 'me', ttl: 5000 });
    const after = Date.now();
    expect(lock).toEqual({
      keys: [key],
      identifier: 'me',
      token: 1,
      expiresAt: expect.any(Number),
      replicas: 0,
    });
    expect(lock.expiresAt).toBeGreaterThanOrEqual(before + 5000);
    expect(lock.expiresAt).toBeLessThanOrEqual(after + 5000);
    const pttl = await target.client().pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5000);
    expect(await target.client().get(key)).toBe('me');
    expect(await started.locks.owner(key)).toBe('me');
    expect(await started.locks.isOwner(key, 'me')).toBe(true);
    expect(await started.locks.isOwner(key, 'you')).toBe(false);
    expect(await started.locks.exists(key)).toBe(true);

    await started.locks.release(key, 'me');
    expect(await started.locks.exists(key)).toBe(false);
    expect(await started.locks.owner(key)).toBeNull();
    expect(await started.locks.isOwner(key, 'me')).toBe(false);
  });

  it('gives each lock a default identifier prefixed with the app id', async () => {
    const key = fresh('identifier');
    const first = await started.locks.acquire(key);
    await started.locks.release(first);
    const second = await started.locks.acquire(key);
    await started.locks.release(second);
    expect(first.identifier.startsWith(`${started.app.id}:`)).toBe(true);
    expect(second.identifier).not.toBe(first.identifier);
  });

  it('hands out fencing tokens that only grow per key, also across expiry', async () => {
    const key = fresh('tokens');
    const tokens: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lock = await started.locks.acquire(key);
      tokens.push(lock.token);
      await started.locks.release(lock);
    }
    const held = await started.locks.acquire(key, { ttl: 60_000 });
    await target.client().del(key); // as if it expired
    const next = await started.locks.acquire(key);
    tokens.push(held.token, next.token);
    expect(tokens).toEqual([1, 2, 3, 4, 5]);
    expect(await target.client().get(fenceKeyOf(key))).toBe('5');
    await started.locks.release(next);
  });

  it('refuses a held lock at once with wait: false, also to the same identifier', async () => {
    const key = fresh('exists');
    const lock = await started.locks.acquire(key, { identifier: 'holder' });
    await expect(started.locks.acquire(key, { wait: false })).rejects.toMatchObject({
      name: 'LockExistsError',
      code: 'LOCK_EXISTS',
      key,
      keys: [key],
    });
    await expect(started.locks.acquire(key, { identifier: 'holder', wait: false })).rejects.toMatchObject({
      code: 'LOCK_EXISTS',
    });
    expect(await started.locks.owner(key)).toBe('holder');
    expect(await target.client().get(fenceKeyOf(key))).toBe('1');
    await started.locks.release(lock);
  });

  it('acquires several keys all or nothing, with one token above all of theirs', async () => {
    const [a = '', b = '', c = ''] = tagged('a', 'b', 'c');
    for (let i = 0; i < 2; i++) await started.locks.release(await started.locks.acquire(a)); // a's counter: 2
    const other = await started.locks.acquire(b, { identifier: 'other' }); // b's counter: 1

    await expect(started.locks.acquire([a, b, c], { wait: false })).rejects.toMatchObject({
      code: 'LOCK_EXISTS',
      key: b,
      keys: [a, b, c],
    });
    expect(await started.locks.mExists([a, b, c])).toEqual(new Set([b]));

    await started.locks.release(other);
    const lock = await started.locks.acquire([a, b, c, a], { identifier: 'multi' });
    expect(lock.keys).toEqual([a, b, c]);
    expect(lock.token).toBe(3);
    for (const key of [a, b, c]) expect(await started.locks.owner(key)).toBe('multi');
    await started.locks.release(lock);
    expect(await started.locks.mExists([a, b, c])).toEqual(new Set());
    expect((await started.locks.acquire(c)).token).toBe(4);
  });

  it(
    target.mode === 'cluster'
      ? 'refuses keys in different slots before sending anything'
      : 'locks keys in any slots together on a single server',
    async () => {
      const a = fresh('slot-a');
      let b = fresh('slot-b');
      while (keySlot(a) === keySlot(b)) b = fresh('slot-b');
      if (target.mode === 'cluster') {
        const error: unknown = await started.locks.acquire([a, b]).catch((caught: unknown) => caught);
        expect(error).toMatchObject({
          name: 'LockKeysCrossSlotError',
          code: 'LOCK_KEYS_CROSS_SLOT',
          keys: [a, b],
          slots: [keySlot(a), keySlot(b)],
        });
        expect((error as Error).message).toContain('hash tag');
        expect(await started.locks.mExists([a, b, fenceKeyOf(a), fenceKeyOf(b)])).toEqual(new Set());
      } else {
        const lock = await started.locks.acquire([a, b]);
        expect(await started.locks.mExists([a, b])).toEqual(new Set([a, b]));
        await started.locks.release(lock);
      }
    },
  );

  it('releases only as the owner', async () => {
    const key = fresh('owner-release');
    const lock = await started.locks.acquire(key, { identifier: 'owner' });
    await expect(started.locks.release(key, 'intruder')).rejects.toMatchObject({
      name: 'NotLockOwnerError',
      code: 'LOCK_NOT_OWNER',
      keys: [key],
      identifier: 'intruder',
    });
    expect(await started.locks.owner(key)).toBe('owner');
    await started.locks.release(lock);
    await expect(started.locks.release(lock)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER', keys: [key] });
  });

  it('releases the keys it holds and names the ones it does not', async () => {
    const [a = '', b = ''] = tagged('a', 'b');
    const lock = await started.locks.acquire([a, b], { identifier: 'me', ttl: 60_000 });
    await target.client().set(b, 'someone-else');
    await expect(started.locks.release(lock)).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER', keys: [b] });
    expect(await started.locks.exists(a)).toBe(false);
    expect(await started.locks.owner(b)).toBe('someone-else');
  });

  it('renews only as the owner, all or nothing', async () => {
    const [a = '', b = ''] = tagged('a', 'b');
    const lock = await started.locks.acquire([a, b], { identifier: 'me', ttl: 2000 });
    const expiresAt = await started.locks.renew(lock, 60_000);
    expect(expiresAt).toBeGreaterThanOrEqual(lock.expiresAt + 50_000);
    for (const key of [a, b]) expect(await target.client().pttl(key)).toBeGreaterThan(50_000);

    await expect(started.locks.renew([a, b], 'intruder', 120_000)).rejects.toMatchObject({
      code: 'LOCK_NOT_OWNER',
      keys: [a],
    });
    await target.client().set(b, 'someone-else');
    await expect(started.locks.renew([a, b], 'me', 120_000)).rejects.toMatchObject({
      code: 'LOCK_NOT_OWNER',
      keys: [b],
    });
    expect(await target.client().pttl(a)).toBeLessThanOrEqual(60_000);
    await target.client().del(a, b);
    await expect(started.locks.renew(a, 'me')).rejects.toMatchObject({ code: 'LOCK_NOT_OWNER' });
  });

  it('tells which of many keys are locked, across slots', async () => {
    const keys = Array.from({ length: 40 }, (_, index) => fresh(`many-${index}`));
    const held = keys.filter((_, index) => index % 3 === 0);
    for (const key of held) await started.locks.acquire(key, { ttl: 60_000 });
    expect(await started.locks.mExists(keys)).toEqual(new Set(held));
    expect(await started.locks.mExists([])).toEqual(new Set());
    expect(await started.locks.exists(keys[1]!)).toBe(false);
  });

  it('rejects unusable arguments with LOCK_INVALID_ARGUMENT', async () => {
    const invalid = { name: 'LockArgumentError', code: 'LOCK_INVALID_ARGUMENT' };
    await expect(started.locks.acquire([])).rejects.toMatchObject(invalid);
    await expect(started.locks.acquire('')).rejects.toMatchObject(invalid);
    await expect(started.locks.acquire(fresh('ttl'), { ttl: 0 })).rejects.toMatchObject(invalid);
    await expect(started.locks.acquire(fresh('ttl'), { ttl: 1.5 })).rejects.toMatchObject(invalid);
    await expect(started.locks.acquire(fresh('id'), { identifier: '' })).rejects.toMatchObject(invalid);
    await expect(started.locks.acquire(fresh('timeout'), { timeout: -1 })).rejects.toMatchObject(invalid);
    await expect(started.locks.release(fresh('x'), '')).rejects.toMatchObject(invalid);
  });

  it('treats __proto__ as any other key', async () => {
    const proto = await started.locks.acquire('__proto__', { ttl: 5000 });
    expect(await started.locks.mExists(['__proto__', 'constructor'])).toEqual(new Set(['__proto__']));
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    await started.locks.release(proto);
  });
});
