import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';
import type { TopicName } from '../streams/redis-listener-settings.js';

/** Settings of {@link RedisPublisher}. */
export interface RedisPublisherSettings {
  /** The app published to when a call names none; unset: this app. */
  app?: string & tags.MinLength<1>;
  /**
   * The topic published to when a call names none.
   * @default "rpc"
   */
  topic: TopicName;
  /** Publish to `<env>._shared._pubsub.<topic>` by default. @default false */
  shared: boolean;
  /** Name of the RedisTransportService to use (the only one when unset). */
  transport?: string;
}

export const redisPublisherSettings: SettingsSpec<RedisPublisherSettings> =
  defineSettings<RedisPublisherSettings>({
    validate: typia.createValidateEquals<Partial<RedisPublisherSettings>>(),
    keys: typia.misc.literals<keyof RedisPublisherSettings>(),
    defaults: { topic: 'rpc', shared: false },
  });
