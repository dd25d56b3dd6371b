// dependency: declares a service's dependency on another service.
import type { DependencySpec, Service, ServiceClass } from './service.js';

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
