import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link RedisMapService}. */
export interface RedisMapServiceSettings {
  /** Name of the `RedisTransportService` to use (the only one when unset). */
  transport?: string;
  /**
   * Namespace of the maps: `map('users')` is the hash `<prefix>.users`. Default: `<env>.<app>.map`,
   * or `<env>._shared.map` with `shared`.
   */
  prefix?: string & tags.MinLength<1>;
  /**
   * Put the maps in the env's shared namespace (every app of the env sees them).
   * @default false
   */
  shared: boolean;
  /**
   * Publish change notifications for every write (each map can change it with `setNotificationMode`).
   * @default false
   */
  notifications: boolean;
  /** Id sent with the notifications. Default: the app instance id. */
  notificationId?: string;
  /** Refuse values longer than this many bytes once encoded. */
  maxValueBytes?: number & tags.Type<'uint32'> & tags.Minimum<1>;
}

/** Settings declaration of {@link RedisMapService}. */
export const redisMapServiceSettings: SettingsSpec<RedisMapServiceSettings> =
  defineSettings<RedisMapServiceSettings>({
    validate: typia.createValidateEquals<Partial<RedisMapServiceSettings>>(),
    keys: typia.misc.literals<keyof RedisMapServiceSettings>(),
    defaults: { shared: false, notifications: false },
  });
