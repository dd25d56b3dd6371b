import { dependency, Service } from '@keel/core';
import type { TypeToken } from '../cache/codec/index.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { RedisMap } from './redis-map.js';
import { redisMapServiceSettings, type RedisMapServiceSettings } from './redis-map-service-settings.js';
import type { RedisMapOptions } from './redis-map-types.js';

const transport = dependency(RedisTransportService, { setting: 'transport' });

/** Per-map options of {@link RedisMapService.map} (the service settings are the defaults). */
export type RedisMapServiceMapOptions<K extends TypeToken | undefined> = Omit<
  RedisMapOptions<K>,
  'maxValueBytes'
>;

/**
 * Gives {@link RedisMap}s by name, under the app's namespace: `maps.map('users', { type: UserType })`
 * is the hash `<env>.<app>.map.users` (see the `prefix` and `shared` settings). Closing the
 * service ends the subscriptions of the maps it gave.
 *
 * ```yaml
 * - cls: RedisMapService
 *   settings: { notifications: true }
 * ```
 */
export class RedisMapService extends Service<RedisMapServiceSettings> {
  static override settingsSpec = redisMapServiceSettings;
  static override dependencies = [transport];

  readonly #maps = new Set<RedisMap<TypeToken | undefined>>();

  /** The namespace every map of this service is under. */
  get prefix(): string {
    const { prefix, shared } = this.settings;
    if (prefix !== undefined) return prefix;
    return (shared ? this.app.namespaceShared : this.app.namespace).key('map');
  }

  /** The map `name` (a key part: no `.`), typed with `options.type` when given. */
  map(name: string): RedisMap;
  map<K extends TypeToken | undefined>(name: string, options: RedisMapServiceMapOptions<K>): RedisMap<K>;
  map<K extends TypeToken | undefined>(
    name: string,
    options: RedisMapServiceMapOptions<K> = {},
  ): RedisMap<K> {
    const { notifications, notificationId, maxValueBytes } = this.settings;
    const map = new RedisMap<K>(this.use(transport), this.#namespaced(name), {
      notifications,
      notificationId: notificationId ?? this.app.id,
      ...(maxValueBytes === undefined ? {} : { maxValueBytes }),
      ...options,
    });
    this.#maps.add(map as RedisMap<TypeToken | undefined>);
    return map;
  }

  override async close(): Promise<void> {
    const maps = [...this.#maps];
    this.#maps.clear();
    await Promise.all(maps.map((map) => map.close()));
  }

  /** `<prefix>.<name>`; `name` must be one key part (not empty, no `.`: `NAMESPACE_INVALID_KEY`). */
  #namespaced(name: string): string {
    const { prefix, shared } = this.settings;
    const base = shared ? this.app.namespaceShared : this.app.namespace;
    const checked = base.key('map', name); // validates the part
    return prefix === undefined ? checked : `${prefix}.${name}`;
  }
}
