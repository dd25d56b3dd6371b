// AppHealth and ServiceHealth: what `app.health()` reports about the app and each service, and how long it may take.

/** Health of one service, as returned by `app.health()`. */
export interface ServiceHealth {
  readonly healthy: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Lifecycle state of one service. */
export type ServiceState = 'built' | 'starting' | 'started' | 'failed' | 'skipped' | 'stopping' | 'stopped';

/** Health of the whole app. */
export interface AppHealth {
  readonly healthy: boolean;
  readonly services: Readonly<Record<string, ServiceHealth & { readonly state: ServiceState }>>;
}

/** Options of `app.health()`. */
export interface AppHealthOptions {
  /**
   * Bound on each service's `health()`, in ms; a service that takes longer is reported unhealthy
   * with `details.error` (`SERVICE_HEALTH_TIMEOUT`). @default 5000
   */
  readonly timeoutMs?: number;
}
