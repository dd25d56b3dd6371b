// Service: the base class of every Keel service, with the types it is defined with (context, dependencies, app lookup).
import { KeelError } from '../errors/keel-error.js';
import type { Logger } from '../logger/create-logger.js';
import type { AppMetrics } from '../metrics/app-metrics.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import { NOOP_METRICS } from '../metrics/noop-metrics.js';
import type { Namespace } from '../namespace/namespace.js';
import type { SettingsSpec } from '../settings/settings-spec.js';
import type { AppHealth, AppHealthOptions, ServiceHealth } from './app-health.js';

/** A concrete or abstract service class. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceClass<T extends Service = Service> = (abstract new (...args: any[]) => T) & {
  readonly name: string;
};

/** A dependency a service class declares on another service. */
export interface DependencySpec<T extends Service = Service> {
  /** The class (or base class) the dependency must be an instance of. */
  readonly cls: ServiceClass<T>;
  /**
   * A settings field that may name the service to use (e.g. `transport`). When the field is
   * unset, the only enabled service of `cls` is used.
   */
  readonly setting?: string;
  /** When true, a missing dependency resolves to `undefined` instead of a config error. */
  readonly optional?: boolean;
}

/** Finds running services by name or by class. */
export interface ServiceLookup {
  /** The service of this class (throws `SERVICE_NOT_FOUND` or `SERVICE_AMBIGUOUS`). */
  get<T extends Service>(cls: ServiceClass<T>): T;
  /** The service with this name (throws `SERVICE_NOT_FOUND`). */
  get(name: string): Service;
  /** True when a service with this name, or exactly one of this class, exists. */
  has(nameOrClass: string | ServiceClass): boolean;
  /** Every built service, in config order. */
  all(): readonly Service[];
}

/** What a service sees of the application that owns it. */
export interface AppContext {
  /** Application name (`app.name`). */
  readonly name: string;
  /** Environment name (`app.env`), the first part of every namespaced key. */
  readonly env: string;
  /** Unique id of this process's app instance (used as default consumer id). */
  readonly id: string;
  /** Keys private to this app: `<env>.<app>.<key>`. */
  readonly namespace: Namespace;
  /** Keys shared by all apps of the env: `<env>._shared.<key>`. */
  readonly namespaceShared: Namespace;
  readonly services: ServiceLookup;
  readonly logger: Logger;
  /** The app's metrics registry; absent in hand-built contexts, whose services record nothing. */
  readonly metrics?: AppMetrics;
  /**
   * True once the app has begun to stop, before any service closes (see `App.stopping`);
   * absent in hand-built contexts, which never stop.
   */
  readonly stopping?: boolean;
  /** Health of every service (`App.health`); absent in hand-built contexts. */
  health?(options?: AppHealthOptions): Promise<AppHealth>;
}

/** Everything a service is constructed with. */
export interface ServiceContext<S extends object> {
  readonly app: AppContext;
  /** The service name (unique in the app). */
  readonly name: string;
  /** Validated settings with defaults applied. */
  readonly settings: Readonly<S>;
  /** A child logger bound to the service name. */
  readonly logger: Logger;
}

export type { ServiceHealth } from './app-health.js';

const resolvedDependencies = Symbol('keel.resolvedDependencies');

/**
 * Base class of every Keel service.
 *
 * A subclass declares its settings with `static settingsSpec` and the services it needs with
 * `static dependencies`; it acquires resources in {@link init} and releases them in {@link close}.
 * The constructor must not do I/O: `keel check` constructs services without starting them.
 */
export abstract class Service<S extends object = object> {
  /** Default service name when the config entry has no `name:` (the class name otherwise). */
  static serviceName?: string;
  /** Settings declaration; services without settings accept none. */
  static settingsSpec?: SettingsSpec<object>;
  /** Services this class needs; they are initialised first and closed after it. */
  static dependencies: readonly DependencySpec[] = [];
  /** Init timeout in ms for this class (the app default applies when unset). */
  static initTimeoutMs?: number;
  /**
   * True: initialised before the services listed ahead of it (as if it stood first in the
   * list; its own dependencies still come first), so it is closed after all of them. For
   * services that watch the app, like AdminHttpService, which must answer until the end.
   */
  static initFirst?: boolean;

  readonly app: AppContext;
  readonly name: string;
  readonly settings: Readonly<S>;
  readonly logger: Logger;
  /** Where this service records metrics (labelled `service="<name>"`); a no-op when metrics are off. */
  protected readonly metricsSink: MetricsSink;
  /** @internal set by the container once every service is built. */
  [resolvedDependencies]: ReadonlyMap<DependencySpec, Service | undefined> = new Map();

  constructor(context: ServiceContext<S>) {
    this.app = context.app;
    this.name = context.name;
    this.settings = context.settings;
    this.logger = context.logger;
    this.metricsSink = context.app.metrics?.forService(context.name) ?? NOOP_METRICS;
  }

  /** Acquires resources. `signal` aborts when the init timeout elapses or the app stops. */
  init(_signal: AbortSignal): Promise<void> {
    return Promise.resolve();
  }

  /** Releases resources. Should not throw; errors are logged by the app. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Reports health; the default is healthy once started. */
  health(): Promise<ServiceHealth> {
    return Promise.resolve({ healthy: true });
  }

  /** The service resolved for a declared dependency. */
  protected use<T extends Service>(spec: DependencySpec<T> & { optional: true }): T | undefined;
  protected use<T extends Service>(spec: DependencySpec<T>): T;
  protected use<T extends Service>(spec: DependencySpec<T>): T | undefined {
    if (!this[resolvedDependencies].has(spec)) {
      throw new KeelError(
        'SERVICE_DEPENDENCY_UNDECLARED',
        `Service "${this.name}" uses a ${spec.cls.name} dependency it did not declare in static dependencies`,
      );
    }
    return this[resolvedDependencies].get(spec) as T | undefined;
  }
}

/** @internal Used by the container to hand a service its resolved dependencies. */
export function setResolvedDependencies(
  service: Service,
  dependencies: ReadonlyMap<DependencySpec, Service | undefined>,
): void {
  service[resolvedDependencies] = dependencies;
}
