import type { App } from '@keel/core';
import { afterAll } from 'vitest';
import { startTestApp, type RedisTarget } from '../../../test-utils/src/index.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import type { RedisCacheSettings } from '../../src/cache/redis-cache-settings.js';
import type { RedisTransportSettings } from '../../src/transport/redis-transport-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

/** Options of {@link startCacheApp}. */
export interface CacheAppOptions {
  /** Settings of the RedisCache over the defaults. */
  readonly cache?: Partial<RedisCacheSettings>;
  /** Transport settings over the target's. */
  readonly transport?: Partial<RedisTransportSettings>;
}

/**
 * Starts a real App with a RedisTransportService `redis_main` pointing at `target` and a
 * RedisCache `cache` wired to it through its `transport` setting. The caller stops it.
 */
export function startCacheApp(target: RedisTarget, options: CacheAppOptions = {}): Promise<App> {
  return startTestApp({
    name: 'cache',
    classes: [RedisTransportService, RedisCache],
    services: [
      {
        cls: 'RedisTransportService',
        name: 'redis_main',
        settings: target.transportSettings(options.transport),
      },
      { cls: 'RedisCache', name: 'cache', settings: { transport: 'redis_main', ...options.cache } },
    ],
  });
}

/**
 * A function that starts a {@link startCacheApp} app with the given cache settings and returns
 * its cache. Apps stop after the block.
 */
export function cacheStarter(
  target: RedisTarget,
): (settings?: Partial<RedisCacheSettings>) => Promise<RedisCache> {
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });
  return async (settings = {}) => {
    const app = await startCacheApp(target, { cache: settings });
    apps.push(app);
    return app.services.get(RedisCache);
  };
}

/** A random key prefix with a hash tag-free name, so tests do not share keys. */
export function uniquePrefix(name: string): string {
  return `${name}:${Math.random().toString(36).slice(2, 10)}:`;
}
