import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { AppStartError, type ServiceStartFailure } from '../errors/app-start-error.js';
import { KeelError } from '../errors/keel-error.js';
import { createLogger, type Logger } from '../logger/create-logger.js';
import { AppMetrics } from '../metrics/app-metrics.js';
import { Namespace } from '../namespace/namespace.js';
import type { AppHealth, AppHealthOptions, ServiceState } from '../services/app-health.js';
import type { AppContext, Service, ServiceHealth } from '../services/service.js';
import { defaultRegistry, type ServiceRegistry } from '../services/service-registry.js';
import { type BuiltService, buildServices } from './build-services.js';
import { ServiceContainer } from './service-container.js';
import { withTimeout } from './with-timeout.js';

/** Options for constructing an {@link App}. */
export interface AppOptions {
  /** Where `cls:` names are looked up (the default registry otherwise). */
  readonly registry?: ServiceRegistry;
  /** Root logger (one is created from `app.logLevel` otherwise). */
  readonly logger?: Logger;
}

export type { AppHealth, AppHealthOptions, ServiceState } from '../services/app-health.js';

/** Name of the namespace shared by every app of an env (kaiju's `_shared`). */
export const SHARED_NAMESPACE = '_shared';

/**
 * An application: its services built from an {@link AppConfig}, started in dependency order and
 * stopped in reverse.
 *
 * ```ts
 * const app = new App(await loadConfig(['app.yaml']));
 * await app.start();
 * app.services.get(RedisCache);
 * await app.stop();
 * ```
 */
export class App implements AppContext {
  readonly name: string;
  readonly env: string;
  readonly id: string;
  readonly namespace: Namespace;
  readonly namespaceShared: Namespace;
  readonly logger: Logger;
  /** The app's Prometheus registry and the services' metrics. */
  readonly metrics: AppMetrics;
  readonly services: ServiceContainer = new ServiceContainer();
  readonly config: AppConfig;

  readonly #initOrder: readonly BuiltService[];
  readonly #states = new Map<Service, ServiceState>();
  readonly #started: BuiltService[] = [];
  #phase: 'built' | 'starting' | 'started' | 'stopping' | 'stopped' = 'built';
  #stopping: Promise<void> | undefined;
  #stopAnnounced = false;

  /** Builds every enabled service; throws `ConfigError` for missing or ambiguous dependencies. */
  constructor(config: AppConfig, options: AppOptions = {}) {
    this.config = config;
    this.name = config.app.name;
    this.env = config.app.env;
    this.id = config.app.id ?? randomUUID();
    this.namespace = new Namespace(this.env, this.name);
    this.namespaceShared = new Namespace(this.env, SHARED_NAMESPACE);
    this.metrics = new AppMetrics({ app: this.name, enabled: config.app.metrics });
    this.logger =
      options.logger ?? createLogger({ level: config.app.logLevel, base: { app: this.name, env: this.env } });
    const built = buildServices(
      config,
      options.registry ?? defaultRegistry,
      this,
      this.logger,
      this.services,
    );
    this.#initOrder = built.initOrder;
    for (const entry of this.#initOrder) this.#states.set(entry.service, 'built');
  }

  /** Lifecycle state of a service, by name. */
  stateOf(name: string): ServiceState | undefined {
    return this.#states.get(this.services.get(name));
  }

  /**
   * Initialises services in dependency order, each within its init timeout. An optional service
   * (`required: false`) that fails is logged and skipped, as are services depending on it. When a
   * required one fails, the others that do not depend on it still try (so every cause is known),
   * then everything started is closed in reverse and an {@link AppStartError} lists the failures.
   */
  async start(): Promise<void> {
    if (this.#phase !== 'built') {
      throw new KeelError('APP_STATE_INVALID', `start() called on an app that is ${this.#phase}`);
    }
    this.#phase = 'starting';
    const failures: ServiceStartFailure[] = [];
    const unavailable = new Set<BuiltService>();
    for (const entry of this.#initOrder) {
      const { service, config } = entry;
      const missing = [...entry.dependsOn].find((dep) => unavailable.has(dep));
      if (missing !== undefined) {
        unavailable.add(entry);
        this.#states.set(service, 'skipped');
        const error = new KeelError(
          'SERVICE_DEPENDENCY_FAILED',
          `not started because "${missing.service.name}" did not start`,
        );
        if (config.required) failures.push({ service: service.name, error });
        else this.logger.warn({ service: service.name, reason: error.message }, 'optional service skipped');
        continue;
      }
      this.#states.set(service, 'starting');
      const timeoutMs = config.initTimeoutMs ?? entry.cls.initTimeoutMs ?? this.config.app.initTimeoutMs;
      try {
        await withTimeout(
          (signal) => service.init(signal),
          timeoutMs,
          'SERVICE_INIT_TIMEOUT',
          `init did not finish within ${timeoutMs} ms`,
        );
        this.#states.set(service, 'started');
        this.#started.push(entry);
        this.logger.info({ service: service.name, cls: config.cls }, 'service started');
      } catch (error) {
        unavailable.add(entry);
        this.#states.set(service, 'failed');
        this.#started.push(entry); // a failed init may hold resources: close it too
        if (config.required) {
          failures.push({ service: service.name, error });
          this.logger.error({ service: service.name, err: error }, 'service failed to start');
        } else {
          this.logger.warn(
            { service: service.name, err: error },
            'optional service failed to start; continuing',
          );
        }
      }
    }
    if (failures.length > 0) {
      this.#phase = 'stopping';
      await this.#closeStarted();
      this.#phase = 'stopped';
      throw new AppStartError(failures);
    }
    this.#phase = 'started';
  }

  /**
   * True from the moment the app begins to stop ({@link stop} or {@link markStopping} was
   * called, or a failed start is closing what it started), before any service has closed. A
   * readiness probe (AdminHttpService's `/health/ready`) answers 503 from then on, so a load
   * balancer stops sending while the listeners still drain.
   */
  get stopping(): boolean {
    return this.#stopAnnounced || this.#phase === 'stopping' || this.#phase === 'stopped';
  }

  /**
   * Announces that the app is about to stop without closing anything: {@link stopping} turns
   * true. `keel run --each` calls it on every app at SIGTERM, so all of them report "not ready"
   * at once although they then stop one after another. {@link stop} implies it.
   */
  markStopping(): void {
    this.#stopAnnounced = true;
  }

  /** Closes started services in reverse init order. Logs close errors; never throws. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#stopAnnounced = true;
      this.#phase = 'stopping';
      await this.#closeStarted();
      this.#phase = 'stopped';
    })();
    return this.#stopping;
  }

  /**
   * Health of every service, asked in parallel, each bounded by `timeoutMs` (a service that is
   * not started is unhealthy). `healthy` is true when every required service is.
   */
  async health(options: AppHealthOptions = {}): Promise<AppHealth> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const services: Record<string, ServiceHealth & { state: ServiceState }> = {};
    await Promise.all(
      this.#initOrder.map(async ({ service }) => {
        const state = this.#states.get(service) ?? 'built';
        let health: ServiceHealth = { healthy: false };
        if (state === 'started') {
          try {
            health = await withTimeout(
              () => service.health(),
              timeoutMs,
              'SERVICE_HEALTH_TIMEOUT',
              `health timed out after ${timeoutMs} ms`,
            );
          } catch (error) {
            health = {
              healthy: false,
              details: { error: error instanceof Error ? error.message : String(error) },
            };
          }
        }
        services[service.name] = { ...health, state };
      }),
    );
    const required = new Set(this.#initOrder.filter((e) => e.config.required).map((e) => e.service.name));
    const healthy = Object.entries(services).every(([name, h]) => h.healthy || !required.has(name));
    return { healthy, services };
  }

  async #closeStarted(): Promise<void> {
    const timeoutMs = this.config.app.closeTimeoutMs;
    while (this.#started.length > 0) {
      const entry = this.#started.pop();
      if (entry === undefined) break;
      const { service } = entry;
      const wasStarted = this.#states.get(service) === 'started';
      this.#states.set(service, 'stopping');
      try {
        await withTimeout(
          () => service.close(),
          timeoutMs,
          'SERVICE_CLOSE_TIMEOUT',
          `close exceeded ${timeoutMs} ms`,
        );
        if (wasStarted) this.logger.info({ service: service.name }, 'service stopped');
      } catch (error) {
        this.logger.error({ service: service.name, err: error }, 'service failed to close');
      }
      this.#states.set(service, 'stopped');
    }
  }
}
