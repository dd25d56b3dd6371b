import { App, createLogger, ServiceRegistry, type AppConfig, type ServiceConfig } from '@keel/core';
import type { RedisTarget } from '../../../test-utils/src/index.js';
import { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import { redisLocksSettings, type RedisLocksSettings } from '../../src/locks/redis-locks-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

const registry = new ServiceRegistry().register(RedisTransportService, RedisLocksService);

function entry(cls: string, settings: Record<string, unknown>, index: number): ServiceConfig {
  return {
    cls,
    name: cls,
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings,
    source: { file: 'locks-test.yaml', path: `services[${index}]` },
  };
}

/** A started app with a RedisTransportService and a RedisLocksService (real wiring). */
export interface LocksApp {
  readonly app: App;
  readonly locks: RedisLocksService;
  stop(): Promise<void>;
}

/**
 * Builds and starts an App of a transport for `target` and a RedisLocksService with
 * `settings` over the defaults (validated as the config loader would).
 */
export async function startLocksApp(
  target: RedisTarget,
  settings: Partial<RedisLocksSettings> = {},
): Promise<LocksApp> {
  const checked = redisLocksSettings.validate(settings);
  if (!checked.success) throw new Error(`bad test settings: ${JSON.stringify(checked.errors)}`);
  const config: AppConfig = {
    packages: [],
    files: ['locks-test.yaml'],
    app: { name: 'locks', env: 'test', initTimeoutMs: 30_000, closeTimeoutMs: 10_000, logLevel: 'silent' },
    services: [
      entry('RedisTransportService', { ...target.transportSettings() }, 0),
      entry('RedisLocksService', { ...redisLocksSettings.defaults, ...settings }, 1),
    ],
  };
  const app = new App(config, {
    registry,
    logger: createLogger({ level: process.env['KEEL_TEST_LOG_LEVEL'] ?? 'silent' }),
  });
  await app.start();
  return { app, locks: app.services.get(RedisLocksService), stop: () => app.stop() };
}
