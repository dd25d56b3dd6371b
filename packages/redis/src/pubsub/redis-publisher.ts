// RedisPublisher: publishes calls to an app's subscribers over Redis pub/sub (at most once), in the stream wire format.
import { dependency, KeelError, Namespace, Service } from '@keel/core';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { endWhenSent, startProducerSpan, tracedHeaders } from '../streams/producer-telemetry.js';
import { StreamClientClosedError } from '../streams/stream-errors.js';
import {
  batchBody,
  encodeStreamMessage,
  type RpcCall,
  type RpcCallTuple,
  type StreamHeaders,
} from '../streams/wire-format.js';
import { topicChannel } from './pubsub-keys.js';
import { publisherPrometheus } from './pubsub-prometheus.js';
import { redisPublisherSettings, type RedisPublisherSettings } from './redis-publisher-settings.js';

const transportDep = dependency(RedisTransportService, { setting: 'transport' });

/** Where a publication goes and what it carries. */
export interface PublishOptions {
  /** The app whose subscribers receive it; default: the `app` setting, else this app. */
  readonly app?: string;
  /** The topic; default: the `topic` setting (`rpc`). */
  readonly topic?: string;
  /** Publish to the shared channel `<env>._shared._pubsub.<topic>`; default: the `shared` setting. */
  readonly shared?: boolean;
  /** Message headers. */
  readonly headers?: StreamHeaders;
}

/**
 * Publishes calls to the {@link RedisSubscriber}s of an app over Redis pub/sub, in the stream
 * wire format (`[body, headers]`, msgpack). **At most once**: a message reaches the subscribers
 * connected at that moment, or nobody; nothing is stored or retried. Use
 * {@link RedisStreamRPCClient} when messages must not be lost.
 */
export class RedisPublisher extends Service<RedisPublisherSettings> {
  static override settingsSpec = redisPublisherSettings;
  static override dependencies = [transportDep];

  #closed = false;
  readonly #published = publisherPrometheus(this.metricsSink);

  override init(): Promise<void> {
    this.#closed = false;
    return Promise.resolve();
  }

  override close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** The channel a publication with these options goes to: `<env>.<app>._pubsub.<topic>`. */
  channel(options: Pick<PublishOptions, 'app' | 'topic' | 'shared'> = {}): string {
    const topic = options.topic ?? this.settings.topic;
    if (options.shared ?? this.settings.shared) return topicChannel(this.app.namespaceShared, topic);
    const app = options.app ?? this.settings.app ?? this.app.name;
    return topicChannel(app === this.app.name ? this.app.namespace : new Namespace(this.app.env, app), topic);
  }

  /** Publishes `[method, params]`; resolves to the number of subscribers that received it. */
  call(method: string, params?: unknown, options: PublishOptions = {}): Promise<number> {
    return this.#publish(this.channel(options), [method, params ?? null], options.headers);
  }

  /** Publishes several calls as one message (a batch); resolves to the number of receivers. */
  callMultiple(calls: readonly (RpcCallTuple | RpcCall)[], options: PublishOptions = {}): Promise<number> {
    if (calls.length === 0)
      return Promise.reject(new KeelError('STREAM_BATCH_EMPTY', 'callMultiple needs at least one call'));
    const body = batchBody(calls);
    return this.#publish(this.channel(options), body, options.headers);
  }

  /**
   * Publishes `[body, headers]` to `channel`: a full channel name when it contains a `.`, else a
   * topic of this app. Resolves to the number of receivers.
   */
  write(channel: string, body: unknown, headers?: StreamHeaders): Promise<number> {
    const name = channel.includes('.') ? channel : topicChannel(this.app.namespace, channel);
    return this.#publish(name, body, headers);
  }

  async #publish(channel: string, body: unknown, headers: StreamHeaders | undefined): Promise<number> {
    if (this.#closed) throw new StreamClientClosedError(this.name, 'used after close');
    const { client } = this.use(transportDep);
    const span = startProducerSpan(channel, body, 'publish');
    const receivers = await (span === undefined
      ? client.publish(channel, encodeStreamMessage(body, headers ?? {}))
      : endWhenSent(span, client.publish(channel, encodeStreamMessage(body, tracedHeaders(span, headers)))));
    this.#published.inc();
    return receivers;
  }
}
