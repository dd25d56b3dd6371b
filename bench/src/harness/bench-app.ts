import { App, configFromObject, ServiceRegistry, type RegisteredServiceClass } from '@keel/core';
import { RedisTransportService, type RedisServerHandle } from '@keel/redis';
import { startBenchRedis, type RedisAddress } from './bench-redis.js';
import type { Cleanup } from './cleanup.js';

/** One service of a {@link startBenchApp} app, written as in a YAML `services:` list. */
export interface BenchServiceEntry {
  readonly cls: string;
  /** @default the class name */
  readonly name?: string;
  /** Only what differs from the class's defaults (validated against its spec). */
  readonly settings?: object;
}

/** Options of {@link startBenchApp}. */
export interface BenchAppOptions {
  /** Stops the app. */
  readonly cleanup: Cleanup;
  /** The service classes the entries name (registered in a private registry). */
  readonly classes: readonly RegisteredServiceClass[];
  readonly services: readonly BenchServiceEntry[];
  /** App name (the middle part of its keys). @default "bench" */
  readonly name?: string;
  /** `app:` settings over the bench's (e.g. `{ metrics: false }`). */
  readonly app?: object;
}

/**
 * Builds an App as the config loader would (settings validated, defaults applied), env `bench`
 * and a silent logger, starts it and registers its stop in `options.cleanup` (a failed start
 * has already closed what it started).
 */
export async function startBenchApp(options: BenchAppOptions): Promise<App> {
  const name = options.name ?? 'bench';
  const registry = new ServiceRegistry().register(...options.classes);
  const config = await configFromObject(
    { app: { name, env: 'bench', logLevel: 'silent', ...options.app }, services: options.services },
    { registry, env: {}, source: `${name}.bench.yaml` },
  );
  const app = new App(config, { registry });
  await app.start();
  options.cleanup.add(() => app.stop());
  return app;
}

/** The entry of a `RedisTransportService` connected to `server` (default settings otherwise). */
export function redisTransportEntry(server: RedisAddress, name?: string): BenchServiceEntry {
  return {
    cls: 'RedisTransportService',
    ...(name === undefined ? {} : { name }),
    settings: { host: server.host, port: server.port },
  };
}

/** A fresh redis-server and a started app of only a `RedisTransportService` on it. */
export interface TransportApp {
  readonly server: RedisServerHandle;
  readonly app: App;
  readonly transport: RedisTransportService;
}

/** Starts a {@link TransportApp}, both stopped by `cleanup`. */
export async function startTransportApp(cleanup: Cleanup): Promise<TransportApp> {
  const server = await startBenchRedis(cleanup);
  const app = await startBenchApp({
    cleanup,
    classes: [RedisTransportService],
    services: [redisTransportEntry(server)],
  });
  return { server, app, transport: app.services.get(RedisTransportService) };
}
