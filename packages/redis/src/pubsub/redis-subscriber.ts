// RedisSubscriber: runs the calls published to an app's pub/sub channel through its JSON-RPC server (at most once).
import {
  dependency,
  JSONRPCServer,
  parseScope,
  type RpcCallOptions,
  type Scope,
  Service,
  type ServiceContext,
  type ServiceHealth,
} from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { ConsumerTelemetry } from '../streams/consumer-telemetry.js';
import { decodeStreamMessage, type DecodedStreamMessage, parseRpcBody } from '../streams/wire-format.js';
import { topicChannel } from './pubsub-keys.js';
import { subscriberPrometheus } from './pubsub-prometheus.js';
import { redisSubscriberSettings, type RedisSubscriberSettings } from './redis-subscriber-settings.js';

const transportDep = dependency(RedisTransportService, { setting: 'transport' });
const rpcDep = dependency(JSONRPCServer);

/** Counters of a {@link RedisSubscriber}. */
export interface RedisSubscriberMetrics {
  /** Messages received. */
  readonly received: number;
  /** Messages whose calls all ran (successfully or not). */
  readonly processed: number;
  /** Of those, messages where a call failed. */
  readonly failed: number;
  /** Messages that could not be decoded (logged and dropped). */
  readonly invalid: number;
  /** Messages being processed now. */
  readonly inFlight: number;
}

/**
 * Runs the calls published to `<env>.<app>._pubsub.<topic>` (by {@link RedisPublisher}) through
 * the app's {@link JSONRPCServer}, with the subscriber's `scope`. **At most once**: a message
 * published while this subscriber is disconnected or not yet subscribed is never seen, and a
 * message being processed when the process dies is lost. Results are not sent anywhere. Use
 * {@link RedisListener} when messages must not be lost.
 */
export class RedisSubscriber extends Service<RedisSubscriberSettings> {
  static override settingsSpec = redisSubscriberSettings;
  static override dependencies = [transportDep, rpcDep];

  /** The channel subscribed to. */
  readonly channel: string;
  /** The scope messages run with. */
  readonly scope: Scope;

  readonly #telemetry: ConsumerTelemetry;
  #subscriber: RedisClient | undefined;
  readonly #running = new Set<Promise<void>>();
  #received = 0;
  #processed = 0;
  #failed = 0;
  #invalid = 0;

  constructor(context: ServiceContext<RedisSubscriberSettings>) {
    super(context);
    const namespace = this.settings.shared ? this.app.namespaceShared : this.app.namespace;
    this.channel = topicChannel(namespace, this.settings.topic);
    this.scope = parseScope(this.settings.scope);
    subscriberPrometheus(this.metricsSink, () => this.metrics);
    this.#telemetry = new ConsumerTelemetry({ destination: this.channel });
  }

  get metrics(): RedisSubscriberMetrics {
    return {
      received: this.#received,
      processed: this.#processed,
      failed: this.#failed,
      invalid: this.#invalid,
      inFlight: this.#running.size,
    };
  }

  /** Subscribes on a dedicated connection (ioredis re-subscribes after a reconnect). */
  override async init(): Promise<void> {
    const subscriber = await this.use(transportDep).duplicate();
    this.#subscriber = subscriber;
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.channel) this.#onMessage(message);
    });
    await subscriber.subscribe(this.channel);
    this.logger.info({ channel: this.channel }, `subscribed to ${this.channel}`);
  }

  /** Unsubscribes, waits for the messages being processed, closes the connection. */
  override async close(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber === undefined) return;
    await subscriber.unsubscribe(this.channel).catch(() => undefined);
    await Promise.all([...this.#running]);
    await subscriber.quit().catch(() => undefined);
    subscriber.disconnect();
  }

  override health(): Promise<ServiceHealth> {
    const status = this.#subscriber?.status;
    return Promise.resolve({
      healthy: status === 'ready',
      details: { channel: this.channel, status: status ?? 'closed', ...this.metrics },
    });
  }

  #onMessage(payload: Buffer): void {
    this.#received += 1;
    let calls: ReturnType<typeof parseRpcBody>['calls'];
    let options: RpcCallOptions;
    let message: DecodedStreamMessage;
    try {
      message = decodeStreamMessage(payload);
      calls = parseRpcBody(message.body).calls;
      options = { scope: this.scope, headers: message.headers };
    } catch (error) {
      this.#invalid += 1;
      this.logger.warn({ err: error, channel: this.channel }, 'dropped an undecodable pub/sub message');
      return;
    }
    const rpc = this.use(rpcDep);
    const runCalls = (): Promise<boolean[]> =>
      Promise.all(
        calls.map(({ method, params }) =>
          rpc.dispatch(method, params, options).then(
            () => true,
            () => false,
          ),
        ),
      );
    const traced = this.#telemetry.start(message);
    const run = (traced === undefined ? runCalls() : traced.run(runCalls)).then((results) => {
      const failed = results.includes(false);
      traced?.end(failed ? 'a call failed' : undefined);
      this.#processed += 1;
      if (failed) this.#failed += 1;
      this.#running.delete(run);
    });
    this.#running.add(run);
  }
}
