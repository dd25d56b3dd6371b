import { unpack } from 'msgpackr';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';
import { cacheStarter, uniquePrefix } from './cache-app.js';
import { alice, order, OrderType, UserType, type User } from './codec/fixtures.js';

describeBoth('RedisCache', (target) => {
  const startCache = cacheStarter(target);

  it('does what the kaiju guide shows', async () => {
    const cache = await startCache();
    const p = uniquePrefix('kaiju');
    expect(await cache.set(`${p}my_key1`, 'my_data')).toBe(true);
    expect(await cache.get(`${p}my_key1`)).toBe('my_data');
    expect(await cache.delete(`${p}my_key1`, `${p}my_key2`)).toBe(1);
    expect(await cache.get(`${p}my_key1`)).toBeNull();
    expect(await cache.hset(`${p}h`, { key1: 'value1', key2: 'value2' })).toBe(2);
    expect(await cache.hget(`${p}h`, 'key1')).toBe('value1');
    expect(await cache.lpush(`${p}l`, 'value1', 'value2')).toBe(2);
    expect(await cache.lpop(`${p}l`)).toEqual(['value2']);
    await cache.set(`${p}animals`, new Set(['dogs', 'cats']));
    expect(await cache.get(`${p}animals`, Set)).toEqual(new Set(['dogs', 'cats']));
  });

  it('exposes its transport service', async () => {
    const cache = await startCache();
    expect(cache.transport).toBeInstanceOf(RedisTransportService);
    expect(cache.transport.name).toBe('redis_main');
    expect(cache.transport.isCluster).toBe(target.mode === 'cluster');
  });

  it('round-trips a struct to an identical object, written with or without the type', async () => {
    const cache = await startCache();
    const p = uniquePrefix('struct');
    expect(await cache.set(`${p}typed`, alice, { type: UserType })).toBe(true);
    const typed: User | null = await cache.get(`${p}typed`, UserType);
    expect(typed).toEqual(alice);
    expect(typed).not.toBe(alice);
    expect(typed?.createdAt).toBeInstanceOf(Date);
    // positional on the wire: an array, the UUID as 16 bytes
    const raw = await target.client().getBuffer(`${p}typed`);
    expect(unpack(raw!)).toEqual([
      Buffer.from(alice.id.replace(/-/g, ''), 'hex'),
      alice.name,
      alice.email,
      34,
      alice.createdAt,
    ]);

    await cache.set(`${p}untyped`, alice);
    expect(await cache.get(`${p}untyped`, UserType)).toEqual(alice);

    await cache.set(`${p}order`, order, { type: OrderType });
    expect(await cache.get(`${p}order`, OrderType)).toEqual(order);
  });

  it('keeps built-in types without a type argument, and checks them with one', async () => {
    const cache = await startCache();
    const p = uniquePrefix('builtin');
    const values: [string, unknown][] = [
      ['string', 'text'],
      ['number', 1.5],
      ['boolean', false],
      ['bigint', 2n ** 70n],
      ['date', new Date('2024-01-02T03:04:05.678Z')],
      [
        'map',
        new Map<unknown, unknown>([
          ['a', 1],
          [2, 'b'],
        ]),
      ],
      ['bytes', Buffer.from([0, 1, 2, 255])],
      ['array', [1, 'two', null]],
      ['object', { nested: { deep: [1] } }],
      ['null', null],
    ];
    await cache.mset(values.map(([name, value]) => [`${p}${name}`, value] as const));
    for (const [name, value] of values) expect(await cache.get(`${p}${name}`)).toEqual(value);
    expect(await cache.get(`${p}string`, String)).toBe('text');
    expect(await cache.get(`${p}number`, Number)).toBe(1.5);
    expect(await cache.get(`${p}boolean`, Boolean)).toBe(false);
    expect(await cache.get(`${p}bigint`, BigInt)).toBe(2n ** 70n);
    expect(await cache.get(`${p}date`, Date)).toEqual(new Date('2024-01-02T03:04:05.678Z'));
    expect(await cache.get(`${p}map`, Map)).toEqual(
      new Map<unknown, unknown>([
        ['a', 1],
        [2, 'b'],
      ]),
    );
    expect(await cache.get(`${p}bytes`, Buffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(await cache.get(`${p}array`, Array)).toEqual([1, 'two', null]);
    expect(await cache.get(`${p}object`, Object)).toEqual({ nested: { deep: [1] } });
    expect(await cache.get(`${p}missing`, String)).toBeNull();
  });

  it('sets with ttl, nx, xx and get', async () => {
    const cache = await startCache();
    const p = uniquePrefix('set');
    expect(await cache.set(`${p}a`, 1, { ttl: 100 })).toBe(true);
    const ttl = await cache.ttl(`${p}a`);
    expect(ttl).toBeGreaterThan(95);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await cache.set(`${p}a`, 2, { nx: true })).toBe(false);
    expect(await cache.get(`${p}a`)).toBe(1);
    expect(await cache.set(`${p}b`, 2, { xx: true })).toBe(false);
    expect(await cache.exists(`${p}b`)).toBe(0);
    expect(await cache.set(`${p}a`, 3, { xx: true })).toBe(true);
    expect(await cache.ttl(`${p}a`)).toBe(-1); // a plain SET clears the expiry
    const previous: number | null = await cache.set(`${p}a`, 4, { get: true, type: Number });
    expect(previous).toBe(3);
    expect(await cache.set(`${p}c`, 'x', { get: true })).toBeNull();
    expect(await cache.set(`${p}c`, 'y', { nx: true, get: true })).toBe('x');
    expect(await cache.get(`${p}c`)).toBe('x');
    await expect(cache.set(`${p}a`, 1, { nx: true, xx: true })).rejects.toMatchObject({
      code: 'CACHE_INVALID_ARGUMENT',
    });
    await expect(cache.set(`${p}a`, 1, { ttl: -1 })).rejects.toMatchObject({
      code: 'CACHE_INVALID_ARGUMENT',
    });
  });

  it('applies defaultTtl to set, mset and getOrSet unless ttl is given (0: none)', async () => {
    const cache = await startCache({ defaultTtl: 50 });
    const p = uniquePrefix('defttl');
    await cache.set(`${p}a`, 1);
    await cache.mset({ [`${p}b`]: 1 });
    await cache.getOrSet(`${p}c`, () => 1);
    await cache.set(`${p}d`, 1, { ttl: 0 });
    await cache.set(`${p}e`, 1, { ttl: 500 });
    for (const key of ['a', 'b', 'c']) {
      const ttl = await cache.ttl(`${p}${key}`);
      expect(ttl).toBeGreaterThan(45);
      expect(ttl).toBeLessThanOrEqual(50);
    }
    expect(await cache.ttl(`${p}d`)).toBe(-1);
    expect(await cache.ttl(`${p}e`)).toBeGreaterThan(450);
  });

  it('expires keys and reports ttl', async () => {
    const cache = await startCache();
    const p = uniquePrefix('expire');
    await cache.set(`${p}a`, 'v');
    expect(await cache.ttl(`${p}a`)).toBe(-1);
    expect(await cache.ttl(`${p}missing`)).toBe(-2);
    expect(await cache.expire(`${p}a`, 30)).toBe(true);
    expect(await cache.ttl(`${p}a`)).toBeGreaterThan(25);
    expect(await cache.expire(`${p}missing`, 30)).toBe(false);
    expect(await cache.expire(`${p}a`, 0)).toBe(true);
    expect(await cache.exists(`${p}a`)).toBe(0);
  });

  it('deletes and counts existing keys across slots', async () => {
    const cache = await startCache();
    const p = uniquePrefix('del');
    const keys = Array.from({ length: 50 }, (_, i) => `${p}${i}`);
    await cache.mset(keys.map((key) => [key, key] as const));
    expect(await cache.exists(...keys, `${p}missing`)).toBe(50);
    expect(await cache.exists(keys[0]!, keys[0]!)).toBe(2);
    expect(await cache.delete(...keys.slice(0, 30), `${p}missing`)).toBe(30);
    expect(await cache.exists(...keys)).toBe(20);
    expect(await cache.delete()).toBe(0);
    expect(await cache.exists()).toBe(0);
  });

  it('mgets and msets keys in many slots, in the caller order', async () => {
    const cache = await startCache();
    const p = uniquePrefix('multi');
    const keys = Array.from({ length: 300 }, (_, i) => `${p}${i}`);
    // shuffled write order, record form
    const record = Object.fromEntries([...keys].reverse().map((key) => [key, `value of ${key}`]));
    await cache.mset(record);
    const asked = [...keys.slice(150), `${p}missing`, ...keys.slice(0, 150), keys[7]!];
    const values = await cache.mget(asked, String);
    expect(values).toEqual(asked.map((key) => (key.endsWith('missing') ? null : `value of ${key}`)));
    expect(await cache.mget([])).toEqual([]);

    // Map form, typed, with a ttl (atomic per slot)
    const users = new Map(keys.slice(0, 20).map((key, i) => [key, { ...alice, age: i }] as const));
    await cache.mset(users, { type: UserType, ttl: 60 });
    const back = await cache.mget(keys.slice(0, 20), UserType);
    expect(back.map((user) => user?.age)).toEqual(keys.slice(0, 20).map((_, i) => i));
    for (const key of keys.slice(0, 20)) {
      const ttl = await cache.ttl(key);
      expect(ttl).toBeGreaterThan(55);
    }
    expect(await cache.ttl(keys[20]!)).toBe(-1);
  });

  it('with keys in many slots, the cluster client spreads them over several slots', async () => {
    if (target.mode !== 'cluster') return;
    const client = target.client();
    // A fixed prefix (nothing is written): CRC16 is linear, so some random prefixes put 300
    // sequential keys in as few as ~210 slots.
    const slots = new Set<number>();
    for (let i = 0; i < 300; i++) slots.add(await client.cluster('KEYSLOT', `many-slots:${i}`));
    expect(slots.size).toBeGreaterThan(250);
  });

  it('writes and reads hashes, typed and not', async () => {
    const cache = await startCache();
    const p = uniquePrefix('hash');
    expect(
      await cache.hset(
        `${p}h`,
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(2);
    expect(await cache.hset(`${p}h`, { b: 3, c: 4 })).toBe(1);
    expect(await cache.hget(`${p}h`, 'b', Number)).toBe(3);
    expect(await cache.hget(`${p}h`, 'zzz')).toBeNull();
    expect(await cache.hget(`${p}nohash`, 'a')).toBeNull();
    expect(await cache.hgetall(`${p}h`, Number)).toEqual({ a: 1, b: 3, c: 4 });
    expect(await cache.hgetall(`${p}nohash`)).toEqual({});
    expect(await cache.hdel(`${p}h`, 'a', 'zzz')).toBe(1);
    expect(await cache.hdel(`${p}h`)).toBe(0);
    expect(await cache.hgetall(`${p}h`)).toEqual({ b: 3, c: 4 });

    await cache.hset(`${p}users`, { alice }, { type: UserType });
    expect(await cache.hget(`${p}users`, 'alice', UserType)).toEqual(alice);
    expect(await cache.hgetall(`${p}users`, UserType)).toEqual({ alice });
  });

  it('pushes, ranges and pops lists, typed and not', async () => {
    const cache = await startCache();
    const p = uniquePrefix('list');
    expect(await cache.rpush(`${p}l`, 'a', 'b', 'c')).toBe(3);
    expect(await cache.lpush(`${p}l`, 'z')).toBe(4);
    expect(await cache.lpush(`${p}l`)).toBe(4);
    expect(await cache.llen(`${p}l`)).toBe(4);
    expect(await cache.lrange(`${p}l`, 0, -1, String)).toEqual(['z', 'a', 'b', 'c']);
    expect(await cache.lrange(`${p}l`, 1, 2)).toEqual(['a', 'b']);
    expect(await cache.lpop(`${p}l`, 2)).toEqual(['z', 'a']);
    expect(await cache.rpop(`${p}l`, undefined, String)).toEqual(['c']);
    expect(await cache.rpop(`${p}l`, 5)).toEqual(['b']);
    expect(await cache.lpop(`${p}l`)).toEqual([]);
    expect(await cache.lrange(`${p}l`, 0, -1)).toEqual([]);
    expect(await cache.llen(`${p}missing`)).toBe(0);

    const bob = { ...alice, name: 'Bob' };
    expect(await cache.rpush(`${p}users`, alice, bob, { type: UserType })).toBe(2);
    const users: User[] = await cache.lrange(`${p}users`, 0, -1, UserType);
    expect(users).toEqual([alice, bob]);
    // typed pushes are positional, as set is
    const raw = await target.client().lrangeBuffer(`${p}users`, 0, 0);
    expect(Array.isArray(unpack(raw[0]!))).toBe(true);
    expect(await cache.lpop(`${p}users`, 1, UserType)).toEqual([alice]);
    await expect(cache.lpop(`${p}users`, 0)).rejects.toMatchObject({ code: 'CACHE_INVALID_ARGUMENT' });
  });
});
