import { unpack } from 'msgpackr';
import { expect, expectTypeOf, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { CacheDecodeError } from '../../src/cache/codec/index.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';
import { alice, order as fullOrder } from './codec/fixtures.js';
import { ValibotUserType, ZodOrderType, ZodUserType, type ZodUser } from './codec/schema-fixtures.js';

const schemaTypes = [
  ['zod', ZodUserType],
  ['valibot', ValibotUserType],
] as const;

describeBoth('RedisCache with Standard Schema types', (target) => {
  const startCache = cacheStarter(target);

  it.each(schemaTypes)('%s: round-trips a User through Redis, stored positionally', async (_, type) => {
    const cache = await startCache();
    const key = `${uniquePrefix('schema')}user`;
    expect(await cache.set(key, alice, { type })).toBe(true);
    const back = await cache.get(key, type);
    expect(back).toEqual(alice);
    expect(back?.createdAt).toBeInstanceOf(Date);
    const raw = await target.client().getBuffer(key);
    expect(unpack(raw!)).toEqual([
      Buffer.from(alice.id.replace(/-/g, ''), 'hex'),
      alice.name,
      alice.email,
      alice.age,
      alice.createdAt,
    ]);
  });

  it.each(schemaTypes)('%s: a wrongly typed stored value raises CacheDecodeError', async (_, type) => {
    const cache = await startCache();
    const p = uniquePrefix('schema-bad');
    await cache.set(`${p}user`, { ...alice, age: 'thirty-four' }); // written without a type
    await cache.set(`${p}text`, 'just a string');
    const error: unknown = await cache.get(`${p}user`, type).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CacheDecodeError);
    expect(error).toMatchObject({ code: 'CACHE_DECODE_FAILED', key: `${p}user`, expected: 'User' });
    expect((error as CacheDecodeError).issues.map((issue) => issue.path)).toEqual(['$input.age']);
    await expect(cache.get(`${p}text`, type)).rejects.toBeInstanceOf(CacheDecodeError);
    // the same through the typed pipeline and mget, in cluster mode across slots
    const [bad, good] = await cache.pipeline().get(`${p}user`, type).get(`${p}missing`, type).exec();
    expect(bad.ok ? null : bad.error).toBeInstanceOf(CacheDecodeError);
    expect(good).toEqual({ ok: true, value: null });
    await expect(cache.mget([`${p}missing`, `${p}user`], type)).rejects.toBeInstanceOf(CacheDecodeError);
  });

  it('types reads with the schema output, and keeps nested objects positional in hashes and lists', async () => {
    const cache = await startCache();
    const p = uniquePrefix('schema-typed');
    await cache.set(`${p}user`, alice, { type: ZodUserType });
    const user = await cache.get(`${p}user`, ZodUserType);
    expectTypeOf(user).toEqualTypeOf<ZodUser | null>();
    const { meta: _meta, ...order } = fullOrder; // ZodOrder has no Map field
    await cache.hset(`${p}orders`, { a: order }, { type: ZodOrderType });
    expect(await cache.hget(`${p}orders`, 'a', ZodOrderType)).toEqual(order);
    await cache.rpush(`${p}users`, alice, alice, { type: ValibotUserType });
    expect(await cache.lrange(`${p}users`, 0, -1, ZodUserType)).toEqual([alice, alice]);
  });
});
