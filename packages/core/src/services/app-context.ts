import type { Logger } from '../logger/create-logger.js';
import type { Namespace } from '../namespace/namespace.js';
import type { ServiceClass } from './dependency.js';
import type { Service } from './service.js';

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
}
