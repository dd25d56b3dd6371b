import type { Service } from './service.js';

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

/**
 * Declares a dependency on another service.
 *
 * ```ts
 * const transport = dependency(RedisTransportService, { setting: 'transport' });
 * class RedisCache extends Service<CacheSettings> {
 *   static override dependencies = [transport];
 *   get transport() { return this.use(transport); }
 * }
 * ```
 */
export function dependency<T extends Service>(
  cls: ServiceClass<T>,
  options: { setting?: string; optional?: boolean } = {},
): DependencySpec<T> {
  return Object.freeze({ cls, ...options });
}
