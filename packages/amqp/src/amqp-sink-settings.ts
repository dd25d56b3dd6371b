import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link AmqpSink}. */
export interface AmqpSinkSettings {
  /**
   * Connection URL (`amqp://user:pass@host:5672/vhost?heartbeat=30`); when set, it wins over
   * `host`, `port`, `username`, `password`, `vhost` and `heartbeat`.
   */
  url?: string | null;
  /** @default "127.0.0.1" */
  host: string & tags.MinLength<1>;
  /** @default 5672 */
  port: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<65535>;
  /** @default "guest" */
  username: string;
  /** @default "guest" */
  password: string;
  /** @default "/" */
  vhost: string;
  /**
   * Heartbeat in seconds (`0`: none).
   * @default 30
   */
  heartbeat: number & tags.Type<'uint32'>;
  /**
   * Exchange events are published to (not declared: it must exist).
   * @default "amq.direct"
   */
  exchange: string;
  /**
   * Routing key of every message.
   * @default "redis_keyspace_events"
   */
  routingKey: string;
  /**
   * `1` non-persistent, `2` persistent messages.
   * @default 1
   */
  deliveryMode: 1 | 2;
  /**
   * Bound on connecting (TCP and AMQP handshake), in ms.
   * @default 5000
   */
  connectTimeoutMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
}

/** Settings declaration of {@link AmqpSink}. */
export const amqpSinkSettings: SettingsSpec<AmqpSinkSettings> = defineSettings<AmqpSinkSettings>({
  validate: typia.createValidateEquals<Partial<AmqpSinkSettings>>(),
  keys: typia.misc.literals<keyof AmqpSinkSettings>(),
  defaults: {
    host: '127.0.0.1',
    port: 5672,
    username: 'guest',
    password: 'guest',
    vhost: '/',
    heartbeat: 30,
    exchange: 'amq.direct',
    routingKey: 'redis_keyspace_events',
    deliveryMode: 1,
    connectTimeoutMs: 5000,
  },
});
