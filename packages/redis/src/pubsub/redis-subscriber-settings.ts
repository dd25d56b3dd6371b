import { defineSettings, type SettingsSpec } from '@keel/core';
import typia from 'typia';
import type { ScopeSetting, TopicName } from '../streams/redis-listener-settings.js';

/** Settings of {@link RedisSubscriber}. */
export interface RedisSubscriberSettings {
  /**
   * The topic: the channel is `<env>.<app>._pubsub.<topic>`.
   * @default "rpc"
   */
  topic: TopicName;
  /**
   * The scope every message runs with (`SYSTEM`, `USER`, `GUEST`).
   * @default "GUEST"
   */
  scope: ScopeSetting;
  /** Subscribe to `<env>._shared._pubsub.<topic>` instead of the app's own channel. @default false */
  shared: boolean;
  /** Name of the RedisTransportService to use (the only one when unset). */
  transport?: string;
}

export const redisSubscriberSettings: SettingsSpec<RedisSubscriberSettings> =
  defineSettings<RedisSubscriberSettings>({
    validate: typia.createValidateEquals<Partial<RedisSubscriberSettings>>(),
    keys: typia.misc.literals<keyof RedisSubscriberSettings>(),
    defaults: { topic: 'rpc', scope: 'GUEST', shared: false },
  });
