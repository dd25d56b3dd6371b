import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';
import type { TopicName } from './redis-listener-settings.js';

/** Settings of {@link RedisStreamRPCClient}. */
export interface RedisStreamRpcClientSettings {
  /** The app called when a call names none; unset: this app. */
  app?: string & tags.MinLength<1>;
  /**
   * The topic called when a call names none (the listener's `topic`).
   * @default "rpc"
   */
  topic: TopicName;
  /** Call `<env>._shared._stream.<topic>` (a shared listener) by default. @default false */
  shared: boolean;
  /**
   * Cap every stream written to at about this many entries (`XADD … MAXLEN ~`); `null`: no cap
   * (the listener trims).
   * @default null
   */
  maxLen: (number & tags.Type<'uint32'> & tags.Minimum<1>) | null;
  /**
   * How long `request()` waits for a reply when not told otherwise, in ms.
   * @default 30000
   */
  requestTimeoutMs: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<2147483647>;
  /** Name of the RedisTransportService to use (the only one when unset). */
  transport?: string;
}

export const redisStreamRpcClientSettings: SettingsSpec<RedisStreamRpcClientSettings> =
  defineSettings<RedisStreamRpcClientSettings>({
    validate: typia.createValidateEquals<Partial<RedisStreamRpcClientSettings>>(),
    keys: typia.misc.literals<keyof RedisStreamRpcClientSettings>(),
    defaults: { topic: 'rpc', shared: false, maxLen: null, requestTimeoutMs: 30_000 },
  });
