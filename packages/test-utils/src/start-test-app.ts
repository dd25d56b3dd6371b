import {
  App,
  configFromObject,
  createLogger,
  ServiceRegistry,
  type Logger,
  type RegisteredServiceClass,
} from '@keel/core';

/** One service of a {@link startTestApp} app, written as in a YAML `services:` list. */
export interface TestServiceEntry {
  readonly cls: string;
  readonly name?: string;
  readonly enabled?: boolean;
  readonly required?: boolean;
  readonly dependsOn?: readonly string[];
  /** camelCase or snake_case settings, validated against the class's spec. */
  readonly settings?: object;
}

/** Options of {@link startTestApp}. */
export interface TestAppOptions {
  /** The service classes the entries name (registered in a private registry). */
  readonly classes: readonly RegisteredServiceClass[];
  readonly services: readonly TestServiceEntry[];
  /** App name. @default "test" */
  readonly name?: string;
  /** App env. @default "test" */
  readonly env?: string;
  /** More of the `app:` section (`initTimeoutMs`, `closeTimeoutMs`, `id`…). */
  readonly app?: object;
  /** Start it (default) or only build it. */
  readonly start?: boolean;
  /** The app's logger (e.g. a `captureLogger()`'s); silent by default. */
  readonly logger?: Logger;
}

/**
 * Builds an App from `services` as the config loader would (settings validated, defaults
 * applied: a bad test setting fails loudly) with a silent logger (`KEEL_TEST_LOG_LEVEL` raises
 * it; `logger` replaces it), and starts it unless `start: false`. The caller stops it.
 */
export async function startTestApp(options: TestAppOptions): Promise<App> {
  const registry = new ServiceRegistry().register(...options.classes);
  const config = await configFromObject(
    {
      app: {
        name: options.name ?? 'test',
        env: options.env ?? 'test',
        initTimeoutMs: 30_000,
        closeTimeoutMs: 10_000,
        ...options.app,
      },
      services: options.services,
    },
    { registry, env: {}, source: `${options.name ?? 'test'}.test.yaml` },
  );
  const logger = options.logger ?? createLogger({ level: process.env['KEEL_TEST_LOG_LEVEL'] ?? 'silent' });
  const app = new App(config, { registry, logger });
  if (options.start !== false) await app.start();
  return app;
}
