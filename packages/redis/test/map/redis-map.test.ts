import { App, createLogger, ServiceRegistry, type AppConfig } from '@keel/core';
import typia from 'typia';
import { afterAll, describe, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { struct } from '../../src/cache/codec/index.js';
import { RedisMap } from '../../src/map/redis-map.js';
import { RedisMapService } from '../../src/map/redis-map-service.js';
import { redisMapServiceSettings } from '../../src/map/redis-map-service-settings.js';
import type { RedisMapChange } from '../../src/map/redis-map-types.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

interface User {
  name: string;
  age: number;
}
const UserType = struct(typia.createValidate<User>(), typia.reflect.schema<User>());

let counter = 0;
function namespace(name: string): string {
  counter++;
  return `maptest.${name}.${counter}.${Math.random().toString(36).slice(2, 7)}`;
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

/** Reads changes from a subscription in the background. */
function reader<V>(subscription: AsyncIterableIterator<RedisMapChange<V>>): {
  changes: RedisMapChange<V>[];
  done: Promise<void>;
} {
  const changes: RedisMapChange<V>[] = [];
  const done = (async () => {
    for await (const change of subscription) changes.push(change);
  })();
  return { changes, done };
}

describeBoth('RedisMap', (target) => {
  it('does the dict operations with untyped values', async () => {
    const map = new RedisMap(await target.transport(), namespace('basic'));
    await map.clear();
    await map.set('none', null);
    await map.set('int', 10);
    await map.set('float', 20.131);
    await map.set('array', [10, 20, 30]);
    await map.set('hashmap', { name: 'prasanna', meta: { age: 24, hobbies: ['gaming'] } });
    expect(await map.get('int')).toBe(10);
    expect(await map.get('float')).toBe(20.131);
    expect(await map.get('array')).toEqual([10, 20, 30]);
    expect(await map.get('hashmap')).toEqual({ name: 'prasanna', meta: { age: 24, hobbies: ['gaming'] } });
    expect(await map.get('none')).toBeNull();
    expect(await map.get('missing')).toBeUndefined();
    expect(await map.has('none')).toBe(true);
    expect(await map.has('missing')).toBe(false);
    expect(await map.size()).toBe(5);
    expect(await map.delete('int')).toBe(true);
    expect(await map.delete('int')).toBe(false);
    expect(await map.has('int')).toBe(false);
    expect(await map.clear()).toBe(4);
    expect(await map.size()).toBe(0);
    expect(await map.clear()).toBe(0);
  });

  it('checks values against its type on write and read', async () => {
    const name = namespace('typed');
    const users = new RedisMap(await target.transport(), name, { type: UserType });
    await users.set('ada', { name: 'Ada', age: 36 });
    const ada: User | undefined = await users.get('ada');
    expect(ada).toEqual({ name: 'Ada', age: 36 });
    await expect(users.set('bad', { name: 'x', age: 'old' } as unknown as User)).rejects.toMatchObject({
      code: 'CACHE_ENCODE_FAILED',
    });
    const untyped = new RedisMap(await target.transport(), name);
    await untyped.set('wrong', 'a string');
    await expect(users.get('wrong')).rejects.toMatchObject({ code: 'CACHE_DECODE_FAILED', key: 'wrong' });
    const dates = new RedisMap(await target.transport(), namespace('dates'), { type: Date });
    await dates.set('d', new Date(1_700_000_000_000));
    expect(await dates.get('d')).toEqual(new Date(1_700_000_000_000));
  });

  it('iterates keys, values and entries (each once) and converts to an object and a Map', async () => {
    const map = new RedisMap(await target.transport(), namespace('iter'));
    const expected = new Map(Array.from({ length: 1200 }, (_, i) => [`k${i}`, i] as const));
    await map.update(expected);
    const keys = await collect(map.keys());
    expect(keys).toHaveLength(1200);
    expect(new Set(keys)).toEqual(new Set(expected.keys()));
    const values = await collect(map.values());
    expect(values.reduce((sum: number, value) => sum + (value as number), 0)).toBe((1199 * 1200) / 2);
    const entries = await collect(map);
    expect(new Map(entries)).toEqual(expected);
    expect(await map.toMap()).toEqual(expected);
    expect(Object.keys(await map.toObject())).toHaveLength(1200);
  });

  it('finds entries matching a glob', async () => {
    const map = new RedisMap(await target.transport(), namespace('match'));
    await map.update({
      mykey_none: null,
      mykey_int: 10,
      mykey_float: 20.131,
      array: [10, 20, 30],
      'a*b': 'star',
      axb: 'x',
    });
    expect((await collect(map.matching('mykey*'))).map(([key]) => key).sort()).toEqual([
      'mykey_float',
      'mykey_int',
      'mykey_none',
    ]);
    expect((await collect(map.matching('mykey_[in]*'))).map(([key]) => key).sort()).toEqual([
      'mykey_int',
      'mykey_none',
    ]);
    expect((await collect(map.matching('a\\*b'))).map(([key]) => key)).toEqual(['a*b']);
    expect(await collect(map.matching('nothing*'))).toEqual([]);
  });

  it('updates from an object or a Map atomically: one bad value writes nothing', async () => {
    const map = new RedisMap(await target.transport(), namespace('update'), { type: UserType });
    await map.update({ a: { name: 'A', age: 1 }, b: { name: 'B', age: 2 } });
    await map.update(
      new Map([
        ['c', { name: 'C', age: 3 }],
        ['a', { name: 'A2', age: 10 }],
      ]),
    );
    expect(await map.size()).toBe(3);
    expect(await map.get('a')).toEqual({ name: 'A2', age: 10 });
    await expect(map.update({ d: { name: 'D', age: 4 }, e: { name: 'E' } as User })).rejects.toMatchObject({
      code: 'CACHE_ENCODE_FAILED',
      key: 'e',
    });
    expect(await map.has('d')).toBe(false);
  });

  it('keeps __proto__ and constructor as ordinary keys in toObject', async () => {
    const map = new RedisMap(await target.transport(), namespace('proto'));
    await map.update({ ['__proto__']: { polluted: true }, constructor: 'c' } as Record<string, unknown>);
    const object = await map.toObject();
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('stores the whole map in one key (one slot on a cluster)', async () => {
    const name = namespace('slot');
    const map = new RedisMap(await target.transport(), name);
    await map.update({ a: 1, b: 2, c: 3 });
    expect(await target.client().type(name)).toBe('hash');
    expect(await target.client().hlen(name)).toBe(3);
  });

  it('publishes notifications that subscribe() filters with a glob', async () => {
    const name = namespace('notify');
    const transport = await target.transport();
    const writer = new RedisMap(transport, name, { type: UserType });
    writer.setNotificationMode(true);
    writer.setNotificationId('writer-1');
    const watcher = new RedisMap(transport, name, { type: UserType });
    const users = watcher.subscribe({ pattern: 'user:[12]*' });
    const all = watcher.subscribe();
    await Promise.all([users.ready, all.ready]);
    const usersRead = reader(users);
    const allRead = reader(all);
    await writer.set('user:1', { name: 'one', age: 1 });
    await writer.set('other:1', { name: 'other', age: 9 });
    await writer.set('user:3', { name: 'three', age: 3 });
    await writer.delete('user:1');
    await writer.delete('user:1'); // absent: no notification
    await writer.update({ 'user:2': { name: 'two', age: 2 }, x: { name: 'x', age: 0 } });
    await writer.clear();
    // Each subscription is fed on its own: wait for both before ending them.
    await waitUntil(() => allRead.changes.length === 7 && usersRead.changes.length === 4, {
      what: 'every notification',
    });
    await users.return();
    await all.return();
    await Promise.all([usersRead.done, allRead.done]);
    expect(usersRead.changes).toEqual([
      { event: 'set', key: 'user:1', notificationId: 'writer-1', value: { name: 'one', age: 1 } },
      { event: 'delete', key: 'user:1', notificationId: 'writer-1', value: undefined },
      { event: 'update', key: 'user:2', notificationId: 'writer-1', value: { name: 'two', age: 2 } },
      { event: 'clear', key: null, notificationId: 'writer-1', value: undefined },
    ]);
    expect(allRead.changes.map((change) => `${change.event}:${change.key ?? '-'}`)).toEqual([
      'set:user:1',
      'set:other:1',
      'set:user:3',
      'delete:user:1',
      'update:user:2',
      'update:x',
      'clear:-',
    ]);
  });

  it('publishes nothing with notifications off, and ends iteration on break or abort', async () => {
    const name = namespace('quiet');
    const transport = await target.transport();
    const map = new RedisMap(transport, name);
    const controller = new AbortController();
    const subscription = map.subscribe({ signal: controller.signal });
    await subscription.ready;
    const read = reader(subscription);
    await map.set('a', 1);
    map.setNotificationMode(true);
    expect(map.notificationMode).toBe(true);
    await map.set('b', 2);
    await waitUntil(() => read.changes.length === 1);
    expect(read.changes[0]).toMatchObject({
      event: 'set',
      key: 'b',
      value: 2,
      notificationId: map.notificationId,
    });
    controller.abort();
    await read.done;
    const second = map.subscribe();
    await second.ready;
    await map.set('c', 3);
    for await (const change of second) {
      expect(change.key).toBe('c');
      break;
    }
    expect(await second.next()).toEqual({ value: undefined, done: true });
  });
  it('works on a raw ioredis client too (its own duplicate for subscriptions)', async () => {
    const map = new RedisMap(target.client(), namespace('raw'), {
      notifications: true,
      notificationId: 'raw',
    });
    const subscription = map.subscribe({ pattern: 'k?' });
    await subscription.ready;
    const read = reader(subscription);
    await map.set('k1', { a: 1 });
    await map.set('long-key', 0);
    await map.set('k2', [1, 2]);
    await waitUntil(() => read.changes.length === 2);
    await map.close();
    await read.done;
    expect(read.changes.map((change) => [change.key, change.value])).toEqual([
      ['k1', { a: 1 }],
      ['k2', [1, 2]],
    ]);
    expect(await map.toObject()).toEqual({ k1: { a: 1 }, 'long-key': 0, k2: [1, 2] });
  });
});

describeBoth('RedisMapService', (target) => {
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  it('gives maps by name under the app namespace, and ends their subscriptions on close', async () => {
    const config: AppConfig = {
      packages: [],
      files: ['map.yaml'],
      app: {
        name: 'mapapp',
        env: 'test',
        initTimeoutMs: 30_000,
        closeTimeoutMs: 5_000,
        logLevel: 'silent',
        metrics: true,
      },
      services: [
        {
          cls: 'RedisTransportService',
          name: 'redis',
          enabled: true,
          required: true,
          override: false,
          dependsOn: [],
          settings: { ...target.transportSettings() },
          source: { file: 'map.yaml', path: 'services[0]' },
        },
        {
          cls: 'RedisMapService',
          name: 'maps',
          enabled: true,
          required: true,
          override: false,
          dependsOn: [],
          settings: { ...redisMapServiceSettings.defaults, notifications: true },
          source: { file: 'map.yaml', path: 'services[1]' },
        },
      ],
    };
    const registry = new ServiceRegistry().register(RedisTransportService, RedisMapService);
    const app = new App(config, { registry, logger: createLogger({ level: 'silent' }) });
    apps.push(app);
    await app.start();
    const maps = app.services.get(RedisMapService);
    const users = maps.map('users', { type: UserType });
    expect(users.namespace).toBe('test.mapapp.map.users');
    expect(users.notificationId).toBe(app.id);
    expect(() => maps.map('bad.name')).toThrow(expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }));
    const subscription = users.subscribe();
    await subscription.ready;
    const read = reader(subscription);
    await users.set('ada', { name: 'Ada', age: 36 });
    await waitUntil(() => read.changes.length === 1);
    expect(await target.client().hlen('test.mapapp.map.users')).toBe(1);
    await app.stop();
    await read.done;
    expect(read.changes).toHaveLength(1);
  });
});

describe('RedisMap without a namespace', () => {
  it('is refused', () => {
    expect(() => new RedisMap({ client: undefined as never }, '')).toThrow(
      expect.objectContaining({ code: 'MAP_NAMESPACE_INVALID' }),
    );
  });
});
