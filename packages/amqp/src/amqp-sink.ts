import { KeyspaceSinkService, type KeyspaceSink, type SinkOptions } from '@keel/redis';
import { AmqpKeyspaceSink } from './amqp-keyspace-sink.js';
import { amqpSinkSettings, type AmqpSinkSettings } from './amqp-sink-settings.js';

/**
 * The AMQP (RabbitMQ) sink of `KeyspaceForwarder`: holds the broker settings; each forwarder
 * that becomes leader opens its own connection with a confirm channel through {@link openSink}.
 *
 * ```yaml
 * packages: ["@keel/redis", "@keel/amqp"]
 * services:
 *   - RedisTransportService
 *   - RedisLocksService
 *   - cls: AmqpSink
 *     settings: { host: rabbit, exchange: amq.direct, routingKey: redis_keyspace_events, deliveryMode: 2 }
 *   - cls: KeyspaceForwarder
 *     settings: { sink: amqp, sinkService: AmqpSink, events: "$gx", masks: ["^user:.*$"] }
 * ```
 */
export class AmqpSink extends KeyspaceSinkService<AmqpSinkSettings> {
  static override settingsSpec = amqpSinkSettings;
  readonly sinkKind = 'amqp';

  openSink(options: SinkOptions): KeyspaceSink {
    return new AmqpKeyspaceSink({ settings: this.settings, format: options.format, logger: options.logger });
  }
}
