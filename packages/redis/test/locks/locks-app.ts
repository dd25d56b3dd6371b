import type { App } from '@keel/core';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type RedisTarget } from '../../../test-utils/src/index.js';
import { RedisLocksService } from '../../src/locks/redis-locks-service.js';
import type { RedisLocksSettings } from '../../src/locks/redis-locks-settings.js';
import { RedisTransportService } from '../../src/transport/redis-transport-service.js';

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
  const app = await startTestApp({
    name: 'locks',
    classes: [RedisTransportService, RedisLocksService],
    services: [
      { cls: 'RedisTransportService', settings: target.transportSettings() },
      { cls: 'RedisLocksService', settings },
    ],
  });
  return { app, locks: app.services.get(RedisLocksService), stop: () => app.stop() };
}

/**
 * One {@link startLocksApp} app for the tests of the calling block: started before them, stopped
 * after them. Its `app` and `locks` are there once the tests run.
 */
export function useLocksApp(target: RedisTarget): LocksApp {
  let started: LocksApp | undefined;
  beforeAll(async () => {
    started = await startLocksApp(target);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): LocksApp => {
    if (started === undefined) throw new Error('the locks app is not started (use it inside a test)');
    return started;
  };
  return {
    get app() {
      return current().app;
    },
    get locks() {
      return current().locks;
    },
    stop: () => current().stop(),
  };
}
