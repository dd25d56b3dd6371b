import { expect, expectTypeOf, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { CacheDecodeError, CacheValueTooLargeError, decodeValue } from '../../src/cache/codec/index.js';
import type { CacheResult } from '../../src/cache/cache-types.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';
import { alice, UserType, type User } from './codec/fixtures.js';

/** Awaits a `{ conn }` call, whose result is `undefined` by type. */
async function queued(call: Promise<unknown>): Promise<unknown> {
  return call;
}

describeBoth('RedisCache pipelines', (target) => {
  const startCache = cacheStarter(target);

  it('queue on a raw pipeline with { conn }: methods resolve undefined, exec has the raw replies', async () => {
    const cache = await startCache();
    // one slot, as an ioredis cluster pipeline requires
    const p = `{${uniquePrefix('conn')}}`;
    const pipe = cache.transport.pipeline();
    expect(await queued(cache.set(`${p}a`, 'my_value', { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.set(`${p}u`, alice, { type: UserType, ttl: 60, conn: pipe }))).toBeUndefined();
    expect(await queued(cache.get(`${p}a`, String, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.mset({ [`${p}b`]: 1, [`${p}c`]: 2 }, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.mset({ [`${p}d`]: 3 }, { ttl: 30, conn: pipe }))).toBeUndefined();
    expect(await queued(cache.mget([`${p}b`, `${p}c`], Number, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.exists(`${p}a`, `${p}b`, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.hset(`${p}h`, { f: 1 }, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.hget(`${p}h`, 'f', undefined, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.hgetall(`${p}h`, undefined, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.hdel(`${p}h`, 'f', { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.rpush(`${p}l`, 'x', 'y', { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.lpush(`${p}l`, alice, { type: UserType, conn: pipe }))).toBeUndefined();
    expect(await queued(cache.llen(`${p}l`, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.lrange(`${p}l`, 1, -1, String, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.lpop(`${p}l`, 1, UserType, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.rpop(`${p}l`, undefined, undefined, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.expire(`${p}a`, 100, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.ttl(`${p}a`, { conn: pipe }))).toBeUndefined();
    expect(await queued(cache.delete(`${p}b`, `${p}c`, { conn: pipe }))).toBeUndefined();
    // nothing ran yet
    expect(await cache.exists(`${p}a`)).toBe(0);

    const results = (await pipe.exec())!;
    expect(results.map(([error]) => error)).toEqual(results.map(() => null));
    const values = results.map(([, value]) => value);
    expect(values[0]).toBe('OK');
    expect(values[1]).toBe('OK');
    expect(decodeValue(values[2] as Buffer)).toBe('my_value'); // GET: the raw msgpack bytes
    expect(values[3]).toBe('OK'); // MSET
    expect(values[4]).toBe(1); // the mset-px script: keys set
    expect((values[5] as Buffer[]).map((bytes) => decodeValue(bytes))).toEqual([1, 2]);
    expect(values.slice(6, 9)).toEqual([2, 1, expect.any(Buffer)]);
    expect(values[10]).toBe(1); // HDEL
    expect(values.slice(11, 14)).toEqual([2, 3, 3]); // RPUSH, LPUSH, LLEN
    expect((values[14] as Buffer[]).map((bytes) => decodeValue(bytes))).toEqual(['x', 'y']);
    expect(decodeValue((values[15] as Buffer[])[0]!, UserType)).toEqual(alice);
    expect((values[16] as Buffer[]).map((bytes) => decodeValue(bytes))).toEqual(['y']);
    expect(values.slice(17)).toEqual([1, 100, 2]);
    expect(await cache.get(`${p}u`, UserType)).toEqual(alice);
    expect(await cache.ttl(`${p}d`)).toBeGreaterThan(25);
  });

  it('queue on a MULTI with { conn }', async () => {
    const cache = await startCache();
    const p = `{${uniquePrefix('multi')}}`;
    const multi = cache.transport.client.multi();
    expect(await queued(cache.set(`${p}a`, 1, { conn: multi }))).toBeUndefined();
    expect(await queued(cache.set(`${p}a`, 2, { get: true, conn: multi }))).toBeUndefined();
    const results = (await multi.exec())!;
    expect(results[0]).toEqual([null, 'OK']);
    expect(decodeValue(results[1]![1] as Buffer)).toBe(1);
    expect(await cache.get(`${p}a`)).toBe(2);
  });

  it('run typed pipelines with decoded results in order, across slots', async () => {
    const cache = await startCache();
    const p = uniquePrefix('typed');
    const keys = Array.from({ length: 40 }, (_, i) => `${p}k${i}`);
    const pipeline = cache
      .pipeline()
      .set(`${p}user`, alice, { type: UserType })
      .mset(
        keys.map((key, i) => [key, i] as const),
        { ttl: 60 },
      )
      .get(`${p}user`, UserType)
      .mget([...keys].reverse(), Number)
      .set(`${p}user`, { ...alice, age: 35 }, { type: UserType, get: true })
      .hset(`${p}h`, { a: 'x' })
      .hget(`${p}h`, 'a', String)
      .hgetall(`${p}h`)
      .rpush(`${p}l`, 1, 2, 3)
      .lpop(`${p}l`, 2, Number)
      .exists(...keys, `${p}missing`)
      .delete(keys[0]!, keys[1]!)
      .expire(`${p}user`, 50)
      .ttl(`${p}user`)
      .get(`${p}missing`);
    expect(pipeline.length).toBe(15);
    const results = await pipeline.exec();
    expectTypeOf(results[2]).toEqualTypeOf<CacheResult<User | null>>();
    expectTypeOf(results[3]).toEqualTypeOf<CacheResult<(number | null)[]>>();
    expectTypeOf(results[4]).toEqualTypeOf<CacheResult<User | null>>();
    expectTypeOf(results[9]).toEqualTypeOf<CacheResult<number[]>>();
    expect(results).toEqual([
      { ok: true, value: true },
      { ok: true, value: undefined },
      { ok: true, value: alice },
      { ok: true, value: [...keys.keys()].reverse() },
      { ok: true, value: alice },
      { ok: true, value: 1 },
      { ok: true, value: 'x' },
      { ok: true, value: { a: 'x' } },
      { ok: true, value: 3 },
      { ok: true, value: [1, 2] },
      { ok: true, value: 40 },
      { ok: true, value: 2 },
      { ok: true, value: true },
      { ok: true, value: 50 },
      { ok: true, value: null },
    ]);
    expect(await cache.get(`${p}user`, UserType)).toEqual({ ...alice, age: 35 });
  });

  it('report errors per command, sending the others', async () => {
    const cache = await startCache({ maxValueBytes: 100 });
    const p = uniquePrefix('errors');
    await cache.set(`${p}text`, 'text');
    await cache.set(`${p}n`, 7);
    const results = await cache
      .pipeline()
      .get(`${p}n`, Number)
      .get(`${p}text`, Number) // another type
      .set(`${p}big`, 'x'.repeat(200)) // too large: not sent
      .hget(`${p}text`, 'f') // Redis WRONGTYPE
      .lpop(`${p}l`, -1) // bad argument
      .set(`${p}after`, 1)
      .exec();
    expect(results[0]).toEqual({ ok: true, value: 7 });
    expect(results[1].ok).toBe(false);
    if (!results[1].ok) {
      expect(results[1].error).toBeInstanceOf(CacheDecodeError);
      expect(results[1].error).toMatchObject({ key: `${p}text`, expected: 'Number' });
    }
    expect(results[2]).toEqual({ ok: false, error: expect.any(CacheValueTooLargeError) });
    expect(results[3]).toEqual({
      ok: false,
      error: expect.objectContaining({ message: expect.stringContaining('WRONGTYPE') }),
    });
    expect(results[4]).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CACHE_INVALID_ARGUMENT' }),
    });
    expect(results[5]).toEqual({ ok: true, value: true });
    expect(await cache.exists(`${p}big`)).toBe(0);
    expect(await cache.get(`${p}after`)).toBe(1);
  });

  it('resolve an empty typed pipeline with no results, and re-send on a second exec', async () => {
    const cache = await startCache();
    const p = uniquePrefix('again');
    expect(await cache.pipeline().exec()).toEqual([]);
    const pipeline = cache.pipeline().rpush(`${p}l`, 'a');
    expect(await pipeline.exec()).toEqual([{ ok: true, value: 1 }]);
    expect(await pipeline.exec()).toEqual([{ ok: true, value: 2 }]);
  });
});
