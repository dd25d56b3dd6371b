import type { App } from '@keel/core';
import { pack } from 'msgpackr';
import { afterEach, expect, it } from 'vitest';
import { describeBoth, waitUntil } from '../../../test-utils/src/index.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { startCacheApp, uniquePrefix } from '../cache/cache-app.js';
import { scrape } from './scrape.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});

describeBoth('cache metrics', (target) => {
  const svc = { service: 'cache' };

  it('counts hits and misses of get, mget and getOrSet, and decode errors', async () => {
    const app = await startCacheApp(target);
    apps.push(app);
    const cache = app.services.get(RedisCache);
    const p = uniquePrefix('metrics');
    await cache.set(`${p}a`, 'text');
    await cache.set(`${p}b`, 2);
    expect(await cache.get(`${p}a`)).toBe('text');
    expect(await cache.get(`${p}missing`)).toBeNull();
    await expect(cache.get(`${p}a`, Number)).rejects.toMatchObject({ code: 'CACHE_DECODE_FAILED' });
    expect(await cache.mget([`${p}a`, `${p}b`, `${p}x`, `${p}y`])).toEqual(['text', 2, null, null]);
    expect(await cache.getOrSet(`${p}a`, () => 'loaded')).toBe('text');
    expect(await cache.getOrSet(`${p}c`, () => 'loaded')).toBe('loaded');
    expect(await cache.getOrSet(`${p}c`, () => 'again')).toBe('loaded');
    const [typed] = await cache.pipeline().get(`${p}b`, String).exec();
    expect(typed.ok).toBe(false);
    await expect(cache.hgetall(`${p}h`)).resolves.toEqual({});

    const s = await scrape(app);
    const at = (op: string): { service: string; op: string } => ({ ...svc, op });
    expect(s.value('keel_cache_hits_total', at('get'))).toBe(2);
    expect(s.value('keel_cache_misses_total', at('get'))).toBe(1);
    expect(s.value('keel_cache_hits_total', at('mget'))).toBe(2);
    expect(s.value('keel_cache_misses_total', at('mget'))).toBe(2);
    expect(s.value('keel_cache_hits_total', at('getOrSet'))).toBe(2);
    expect(s.value('keel_cache_misses_total', at('getOrSet'))).toBe(1);
    expect(s.value('keel_cache_decode_errors_total', svc)).toBe(2);
    expect(s.value('keel_cache_near_hits_total', svc)).toBe(0);
    expect(s.value('keel_cache_near_entries', svc)).toBe(0);
  });

  it('counts near-cache hits, misses and invalidations, and its size', async () => {
    const app = await startCacheApp(target, { cache: { nearCache: true } });
    apps.push(app);
    const cache = app.services.get(RedisCache);
    const key = `${uniquePrefix('near-metrics')}k`;
    await cache.set(key, 'value');
    expect(await cache.get(key)).toBe('value'); // near miss, then tracked
    expect(await cache.get(key)).toBe('value'); // near hit
    await target.client().set(key, pack('other'));
    await waitUntil(() => cache.nearCache?.hasValue(key) === false, { what: 'the invalidation' });
    let s = await scrape(app);
    expect(s.value('keel_cache_near_hits_total', svc)).toBe(1);
    expect(s.value('keel_cache_near_misses_total', svc)).toBe(1);
    expect(s.value('keel_cache_near_invalidations_total', svc)).toBe(1);
    expect(s.value('keel_cache_near_entries', svc)).toBe(0);
    expect(await cache.get(key)).toBe('other');
    s = await scrape(app);
    expect(s.value('keel_cache_near_misses_total', svc)).toBe(2);
    expect(s.value('keel_cache_near_entries', svc)).toBe(1);
    expect(s.value('keel_cache_near_bytes', svc)).toBe(cache.nearCache?.stats().bytes);
    expect(s.value('keel_cache_near_bytes', svc)).toBeGreaterThan(0);
    expect(s.value('keel_cache_near_flushes_total', svc)).toBe(0);
    expect(s.value('keel_cache_hits_total', { ...svc, op: 'get' })).toBe(3);
  });
});
