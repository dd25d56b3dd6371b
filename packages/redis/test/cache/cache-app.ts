import { App, createLogger, ServiceRegistry, type AppConfig, type ServiceConfig } from '@keel/core';
import { afterAll } from 'vitest';
import type { RedisTarget } from '../../../test-utils/src/index.js';
import { RedisCache } from '../../src/cache/redis-cache.js';
import { redisCacheSettings, type RedisCacheSettings } from '../../src/cache/redis-cache-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

const registry = new ServiceRegistry().register(RedisTransportService, RedisCache);

function entry(cls: string, name: string, settings: object, index: number): ServiceConfig {
  return {
    cls,
    name,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings: settings as Readonly<Record<string, unknown>>,
    source: { file: 'cache-test.yaml', path: `services[${index}]` },
  };
}

/**
 * Starts a real App with a RedisTransportService pointing at `target` and a RedisCache wired to
 * it through its `transport` setting, and returns the cache. Apps stop after the block.
 */
export function cacheStarter(
  target: RedisTarget,
): (settings?: Partial<RedisCacheSettings>) => Promise<RedisCache> {
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });
  return async (settings = {}) => {
    const config: AppConfig = {
      packages: [],
      files: ['cache-test.yaml'],
      app: { name: 'cache', env: 'test', initTimeoutMs: 30_000, closeTimeoutMs: 5_000, logLevel: 'silent' },
      services: [
        entry('RedisTransportService', 'redis_main', target.transportSettings(), 0),
        entry(
          'RedisCache',
          'cache',
          { ...redisCacheSettings.defaults, transport: 'redis_main', ...settings },
          1,
        ),
      ],
    };
    const app = new App(config, { registry, logger: createLogger({ level: 'silent' }) });
    apps.push(app);
    await app.start();
    return app.services.get(RedisCache);
  };
}

/** A random key prefix with a hash tag-free name, so tests do not share keys. */
export function uniquePrefix(name: string): string {
  return `${name}:${Math.random().toString(36).slice(2, 10)}:`;
}
