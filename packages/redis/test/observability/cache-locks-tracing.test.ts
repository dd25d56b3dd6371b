import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeBoth, type InMemoryTracing, startInMemoryTracing } from '../../../test-utils/src/index.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { startCacheApp, uniquePrefix } from '../cache/cache-app.js';
import { startLocksApp } from '../locks/locks-app.js';
import { spanNamed } from './tracing-fixtures.js';

describeBoth(
  'cache and locks tracing (tracing setting)',
  (target) => {
    let tracing: InMemoryTracing;
    const stops: (() => Promise<void>)[] = [];
    beforeAll(() => {
      tracing = startInMemoryTracing();
    });
    afterAll(async () => {
      await tracing.stop();
    });
    beforeEach(() => {
      tracing.reset();
    });
    afterEach(async () => {
      await Promise.all(stops.splice(0).map((stop) => stop()));
    });

    it('makes no cache or lock span with the default tracing: false', async () => {
      const cacheApp = await startCacheApp(target);
      const locks = await startLocksApp(target);
      stops.push(
        () => cacheApp.stop(),
        () => locks.stop(),
      );
      const cache = cacheApp.services.get(RedisCache);
      const key = `${uniquePrefix('trace-off')}k`;
      await cache.set(key, 'v');
      expect(await cache.get(key)).toBe('v');
      const lock = await locks.locks.acquire(`${key}:lock`);
      await locks.locks.release(lock);
      const names = tracing.spans().map((span) => span.name);
      expect(names.filter((name) => name.startsWith('cache.') || name.startsWith('lock.'))).toEqual([]);
    });

    it('makes a span per cache call with tracing: true (hit attribute, key)', async () => {
      const cacheApp = await startCacheApp(target, { cache: { tracing: true } });
      stops.push(() => cacheApp.stop());
      const cache = cacheApp.services.get(RedisCache);
      const key = `${uniquePrefix('trace-on')}k`;
      await cache.set(key, 'v');
      expect(await cache.get(key)).toBe('v');
      const set = await spanNamed(tracing, 'cache.set');
      const get = await spanNamed(tracing, 'cache.get');
      expect(set.kind).toBe(SpanKind.INTERNAL);
      expect(set.attributes).toMatchObject({
        'db.system.name': 'redis',
        'db.operation.name': 'set',
        'keel.key': key,
      });
      expect(get.attributes).toMatchObject({ 'keel.key': key, 'keel.cache.hit': true });
    });

    it('makes lock spans with tracing: true, and status ERROR on a lock timeout', async () => {
      const locks = await startLocksApp(target, { tracing: true });
      stops.push(() => locks.stop());
      const key = `${uniquePrefix('trace-lock')}k`;
      const lock = await locks.locks.acquire(key);
      const acquire = await spanNamed(tracing, 'lock.acquire');
      expect(acquire.attributes).toMatchObject({ 'db.operation.name': 'acquire', 'keel.lock.keys': [key] });
      expect(acquire.attributes['keel.lock.fencing_token']).toBe(lock.token);
      tracing.reset();
      await expect(locks.locks.acquire(key, { timeout: 50 })).rejects.toThrow();
      const failed = await spanNamed(tracing, 'lock.acquire');
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      await locks.locks.release(lock);
      expect((await spanNamed(tracing, 'lock.release')).attributes['keel.lock.keys']).toEqual([key]);
    });
  },
  { modes: ['standalone', 'cluster'] },
);
