import { KeelError } from '../errors/keel-error.js';
import type { SettingsSpec } from '../settings/settings-spec.js';
import type { DependencySpec, Service, ServiceContext } from './service.js';

/** The static side every service class has (see {@link Service}). */
export interface ServiceStatics {
  readonly name: string;
  readonly serviceName?: string;
  readonly settingsSpec?: SettingsSpec<object>;
  readonly dependencies: readonly DependencySpec[];
  readonly initTimeoutMs?: number;
  readonly initFirst?: boolean;
}

/** A service class that can be named in `cls:` (constructible, with the static declarations). */
export type RegisteredServiceClass = (new (context: ServiceContext<never>) => Service) & ServiceStatics;

/**
 * Maps `cls:` names to service classes. Plugin packages export `keelServices` (an array of
 * classes); the config loader registers them when the package is listed in `packages:`.
 */
export class ServiceRegistry {
  readonly #classes = new Map<string, RegisteredServiceClass>();

  /** Registers classes under their class name (and optional aliases). */
  register(...classes: readonly RegisteredServiceClass[]): this {
    for (const cls of classes) this.registerAs(cls.name, cls);
    return this;
  }

  /** Registers a class under an explicit name. Re-registering the same class is a no-op. */
  registerAs(name: string, cls: RegisteredServiceClass): this {
    const existing = this.#classes.get(name);
    if (existing !== undefined && existing !== cls) {
      throw new KeelError('SERVICE_CLASS_CONFLICT', `Two different classes are registered as "${name}"`, {
        details: { name },
      });
    }
    this.#classes.set(name, cls);
    return this;
  }

  get(name: string): RegisteredServiceClass | undefined {
    return this.#classes.get(name);
  }

  has(name: string): boolean {
    return this.#classes.has(name);
  }

  /** Every registered name, sorted. */
  names(): string[] {
    return [...this.#classes.keys()].sort();
  }
}

/** The process-wide registry used by `loadConfig` and `keel` unless another one is passed. */
export const defaultRegistry = new ServiceRegistry();
