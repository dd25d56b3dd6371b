import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { CacheDecodeError, CacheEncodeError, CacheValueTooLargeError } from '../../src/cache/codec/index.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';
import { alice, UserType } from './codec/fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describeBoth('RedisCache with bad input', (target) => {
  const startCache = cacheStarter(target);

  it('raises CacheDecodeError naming the key when a key holds another type', async () => {
    const cache = await startCache();
    const p = uniquePrefix('wrongtype');
    await cache.set(`${p}text`, 'not a number');
    const error = await rejection(cache.get(`${p}text`, Number));
    expect(error).toBeInstanceOf(CacheDecodeError);
    const decode = error as CacheDecodeError;
    expect(decode.code).toBe('CACHE_DECODE_FAILED');
    expect(decode.key).toBe(`${p}text`);
    expect(decode.expected).toBe('Number');
    expect(decode.message).toContain(`${p}text`);

    await cache.set(`${p}user`, { ...alice, age: 'old' });
    const structError = (await rejection(cache.get(`${p}user`, UserType))) as CacheDecodeError;
    expect(structError).toBeInstanceOf(CacheDecodeError);
    expect(structError.expected).toBe('User');
    expect(structError.issues.map((issue) => issue.path)).toContain('$input.age');

    await cache.set(`${p}list`, [1, 2]);
    await expect(cache.get(`${p}list`, Set)).rejects.toBeInstanceOf(CacheDecodeError);
    await cache.set(`${p}user2`, alice, { type: UserType });
    await expect(cache.get(`${p}user2`, Map)).rejects.toBeInstanceOf(CacheDecodeError);

    // the same in the multi-value and hash/list reads
    const mgetError = (await rejection(cache.mget([`${p}user2`, `${p}text`], UserType))) as CacheDecodeError;
    expect(mgetError).toBeInstanceOf(CacheDecodeError);
    expect(mgetError.key).toBe(`${p}text`);
    await cache.hset(`${p}h`, { f: 'text' });
    await expect(cache.hget(`${p}h`, 'f', Number)).rejects.toMatchObject({
      key: `${p}h`,
      code: 'CACHE_DECODE_FAILED',
    });
    await expect(cache.hgetall(`${p}h`, Boolean)).rejects.toBeInstanceOf(CacheDecodeError);
    await cache.rpush(`${p}l`, 1, 'two');
    await expect(cache.lrange(`${p}l`, 0, -1, Number)).rejects.toBeInstanceOf(CacheDecodeError);
  });

  it('raises CacheDecodeError when a key holds bytes that are not msgpack', async () => {
    const cache = await startCache();
    const p = uniquePrefix('notmsgpack');
    const raw = target.client();
    await raw.set(`${p}text`, 'hello world');
    await raw.set(`${p}c1`, Buffer.from([0xc1]));
    await raw.set(`${p}truncated`, Buffer.from([0x92, 0x01]));
    for (const key of ['text', 'c1', 'truncated']) {
      for (const type of [undefined, String, UserType] as const) {
        const error = (await rejection(cache.get(`${p}${key}`, type))) as CacheDecodeError;
        expect(error, key).toBeInstanceOf(CacheDecodeError);
        expect(error.key).toBe(`${p}${key}`);
        expect(error.issues).toEqual([]);
      }
    }
  });

  it('refuses values over maxValueBytes before writing anything', async () => {
    const cache = await startCache({ maxValueBytes: 1000 });
    const p = uniquePrefix('toolarge');
    const big = 'x'.repeat(2000);
    await cache.set(`${p}a`, 'small');
    const error = (await rejection(cache.set(`${p}a`, big))) as CacheValueTooLargeError;
    expect(error).toBeInstanceOf(CacheValueTooLargeError);
    expect(error.code).toBe('CACHE_VALUE_TOO_LARGE');
    expect(error.key).toBe(`${p}a`);
    expect(error.limit).toBe(1000);
    expect(await cache.get(`${p}a`)).toBe('small');

    const keys = Array.from({ length: 20 }, (_, i) => `${p}m${i}`);
    const entries = keys.map((key, i) => [key, i === 13 ? big : 'ok'] as const);
    await expect(cache.mset(entries)).rejects.toBeInstanceOf(CacheValueTooLargeError);
    await expect(cache.mset(entries, { ttl: 10 })).rejects.toBeInstanceOf(CacheValueTooLargeError);
    expect(await cache.exists(...keys)).toBe(0);
    await expect(cache.hset(`${p}h`, { a: 'ok', b: big })).rejects.toBeInstanceOf(CacheValueTooLargeError);
    expect(await cache.hgetall(`${p}h`)).toEqual({});
    await expect(cache.rpush(`${p}l`, 'ok', big)).rejects.toBeInstanceOf(CacheValueTooLargeError);
    expect(await cache.llen(`${p}l`)).toBe(0);
    await expect(cache.getOrSet(`${p}g`, () => big)).rejects.toMatchObject({
      code: 'CACHE_LOADER_FAILED',
      cause: expect.any(CacheValueTooLargeError),
    });
    expect(await cache.exists(`${p}g`)).toBe(0);
  });

  it('refuses values that do not match the write type, writing nothing', async () => {
    const cache = await startCache();
    const p = uniquePrefix('encode');
    await expect(cache.set(`${p}a`, 5 as never, { type: String })).rejects.toBeInstanceOf(CacheEncodeError);
    await expect(cache.set(`${p}u`, { ...alice, email: 'nope' }, { type: UserType })).rejects.toBeInstanceOf(
      CacheEncodeError,
    );
    expect(await cache.exists(`${p}a`, `${p}u`)).toBe(0);
  });

  it('stores __proto__ keys without polluting prototypes', async () => {
    const cache = await startCache();
    const p = uniquePrefix('proto');
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;

    expect(await cache.hset(`${p}h`, parsed)).toBe(2);
    const hash = await cache.hgetall(`${p}h`);
    expect(Object.getPrototypeOf(hash)).toBe(Object.prototype);
    expect(Object.hasOwn(hash, '__proto__')).toBe(true);
    expect(Object.keys(hash).sort()).toEqual(['__proto__', 'ok']);
    expect(hash['polluted']).toBeUndefined();
    expect(await cache.hget(`${p}h`, '__proto__')).toEqual({ polluted: true });

    await cache.set(`${p}obj`, parsed);
    const obj = (await cache.get(`${p}obj`, Object))!;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(obj['polluted']).toBeUndefined();
    expect(obj['ok']).toBe(1);

    await cache.set(`${p}map`, new Map([['__proto__', { polluted: true }]]));
    const map = await cache.get(`${p}map`, Map);
    expect(map?.get('__proto__')).toEqual({ polluted: true });

    await cache.mset(new Map([[`${p}m`, parsed]]));
    expect(((await cache.get(`${p}m`)) as Record<string, unknown>)['polluted']).toBeUndefined();

    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
