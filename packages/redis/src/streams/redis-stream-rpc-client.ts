// RedisStreamRPCClient: calls methods of other apps over their Redis streams (notifications, batches, requests with replies).
import { randomUUID } from 'node:crypto';
import { dependency, KeelError, Namespace, type RpcApi, Service, type ServiceHealth } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import {
  redisStreamRpcClientSettings,
  type RedisStreamRpcClientSettings,
} from './redis-stream-rpc-client-settings.js';
import { endWhenSent, failSpan, replyLink, startProducerSpan, tracedHeaders } from './producer-telemetry.js';
import { ReplyReader } from './reply-reader.js';
import { StreamClientPrometheus } from './stream-client-prometheus.js';
import { XaddBatcher } from './xadd-batcher.js';
import { CORRELATION_ID_HEADER, headerValue, REPLY_TO_HEADER } from './rpc-reply.js';
import { StreamClientClosedError, StreamRequestTimeoutError } from './stream-errors.js';
import { replyStreamKey, topicStreamKey } from './stream-keys.js';
import type { StreamBatchCall, StreamCallOptions, StreamRequestOptions } from './stream-call-options.js';
import { TypedStreamClient, type TypedClientOptions } from './typed-stream-client.js';
import { batchBody, encodeStreamMessage, MESSAGE_FIELD, type StreamHeaders } from './wire-format.js';

const transportDep = dependency(RedisTransportService, { setting: 'transport' });
/** Stream keys remembered by a client (a bound on a cache that apps and topics could grow). */
const STREAM_KEY_CACHE_SIZE = 1_000;

/**
 * Calls methods of apps that run a {@link RedisListener}, over their Redis streams (kaiju's
 * RedisStreamRPCClient). `call` and `callMultiple` are notifications: one `XADD` of the kaiju
 * message `[[method, params], headers]` (or a list of calls), no result. `request` waits for the
 * result through this client's reply stream. `write` adds any body to any stream.
 *
 * ```ts
 * const stream = app.services.get(RedisStreamRPCClient);
 * await stream.call('ext_service.do_something', { value: 123 }, { app: 'other_app' });
 * const doubled = await stream.request('ext_service.double', { value: 2 }, { app: 'other_app', timeout: 5000 });
 * ```
 */
export class RedisStreamRPCClient extends Service<RedisStreamRpcClientSettings> {
  static override settingsSpec = redisStreamRpcClientSettings;
  static override dependencies = [transportDep];

  /** This client instance's id; its reply stream is `<env>.<app>._reply.<id>`. */
  readonly clientId: string = randomUUID();
  #client: RedisClient | undefined;
  #batcher: XaddBatcher | undefined;
  #replies: Promise<ReplyReader> | undefined;
  #closed = false;
  #sequence = 0;
  readonly #metrics = new StreamClientPrometheus(this.metricsSink);
  /** Stream keys by `<app>.<topic>` (`app` empty for the shared namespace; valid parts hold no `.`). */
  readonly #streamKeys = new Map<string, string>();

  /** The reply stream of this client (used once `request` is called). */
  get replyStream(): string {
    return replyStreamKey(this.app.namespace, this.clientId);
  }

  override init(): Promise<void> {
    const transport = this.use(transportDep);
    requireWritableTransport(transport, `RedisStreamRPCClient "${this.name}"`);
    this.#client = transport.client;
    this.#batcher = new XaddBatcher(transport.client, (key, count, ok) => {
      this.#metrics.written(key, count, ok);
    });
    this.#closed = false;
    return Promise.resolve();
  }

  /** Rejects requests still waiting (`STREAM_CLIENT_CLOSED`), stops the reply reader, deletes the reply stream. */
  override async close(): Promise<void> {
    this.#closed = true;
    const replies = this.#replies;
    this.#replies = undefined;
    if (replies !== undefined) {
      const reader = await replies.catch(() => undefined);
      await reader?.close(new StreamClientClosedError(this.name, 'closed while waiting for a reply'));
    }
    this.#client = undefined;
  }

  override async health(): Promise<ServiceHealth> {
    const reader = this.#replies === undefined ? undefined : await this.#replies.catch(() => undefined);
    return {
      healthy: !this.#closed && this.#client !== undefined,
      details: { waiting: reader?.waiting ?? 0, replyErrors: reader?.errors ?? 0 },
    };
  }

  /** The stream a call with these options goes to: `<env>.<app>._stream.<topic>`. */
  streamKey(options: Pick<StreamCallOptions, 'app' | 'topic' | 'shared'> = {}): string {
    const topic = options.topic ?? this.settings.topic;
    const shared = options.shared ?? this.settings.shared;
    const app = shared ? '' : (options.app ?? this.settings.app ?? this.app.name);
    const cacheKey = `${app}.${topic}`;
    let key = this.#streamKeys.get(cacheKey);
    if (key === undefined) {
      const namespace = shared
        ? this.app.namespaceShared
        : app === this.app.name
          ? this.app.namespace
          : new Namespace(this.app.env, app);
      key = topicStreamKey(namespace, topic);
      if (this.#streamKeys.size >= STREAM_KEY_CACHE_SIZE) this.#streamKeys.clear();
      this.#streamKeys.set(cacheKey, key);
    }
    return key;
  }

  /**
   * A typed view of this client for the API type `Api` (see `ApiOf` in @keel/core): method names,
   * params and results are checked at compile time; `options` (app, topic, headers, timeout…)
   * apply to every call, under each call's own. No run-time cost beyond the calls themselves.
   *
   * ```ts
   * const orders = stream.client<OrdersApi>({ app: 'orders' });
   * const order = await orders.request('orders.place', { item: 'pears', qty: 2 }); // Order
   * ```
   */
  client<Api extends RpcApi<Api>>(options: TypedClientOptions = {}): TypedStreamClient<Api> {
    return new TypedStreamClient<Api>(this, options);
  }

  /** Sends a notification `[method, params]` (no result); resolves to the stream entry id. */
  call(method: string, params?: unknown, options: StreamCallOptions = {}): Promise<string> {
    return this.#add(this.streamKey(options), [method, params ?? null], options.headers, options.maxLen);
  }

  /** Sends several calls as one message (a kaiju batch, run concurrently, no results); resolves to the entry id. */
  callMultiple(calls: readonly StreamBatchCall[], options: StreamCallOptions = {}): Promise<string> {
    if (calls.length === 0)
      return Promise.reject(new KeelError('STREAM_BATCH_EMPTY', 'callMultiple needs at least one call'));
    const body = batchBody(calls);
    return this.#add(this.streamKey(options), body, options.headers, options.maxLen);
  }

  /**
   * Adds `[body, headers]` to a stream: `topic` is a full key (kaiju: `app.namespace.key('x')`)
   * when it contains a `.`, else a topic of this app (`<env>.<app>._stream.<topic>`). `id`
   * defaults to `*`. Resolves to the entry id.
   */
  write(topic: string, body: unknown, headers?: StreamHeaders, id = '*'): Promise<string> {
    const key = topic.includes('.') ? topic : topicStreamKey(this.app.namespace, topic);
    return this.#add(key, body, headers, undefined, id);
  }

  /**
   * Calls a method and waits for its result, which the listener sends to this client's reply
   * stream (headers `Reply-To` and `Correlation-Id`; a `Deadline` is added so an expired request
   * is not run). Rejects with the method's error as an `RpcError`, or `STREAM_REQUEST_TIMEOUT`.
   * The request may still run after a timeout (and may run more than once if it is redelivered).
   */
  async request<T = unknown>(
    method: string,
    params?: unknown,
    options: StreamRequestOptions = {},
  ): Promise<T> {
    const stream = this.streamKey(options);
    const timeout = options.timeout ?? this.settings.requestTimeoutMs;
    const reader = await this.#replyReader();
    const given =
      options.headers === undefined ? undefined : headerValue(options.headers, CORRELATION_ID_HEADER);
    const correlationId =
      typeof given === 'string' && given !== '' ? given : `${this.clientId}:${++this.#sequence}`;
    if (reader.has(correlationId)) {
      throw new KeelError(
        'STREAM_CORRELATION_IN_USE',
        `A request with Correlation-Id ${correlationId} is already waiting`,
      );
    }
    const hasDeadline =
      options.headers !== undefined &&
      (headerValue(options.headers, 'Deadline') !== undefined ||
        headerValue(options.headers, 'Timeout') !== undefined);
    const headers: Record<string, unknown> = {
      ...options.headers,
      [CORRELATION_ID_HEADER]: correlationId,
      [REPLY_TO_HEADER]: reader.key,
      ...(hasDeadline ? {} : { Deadline: (Date.now() + timeout) / 1000 }),
    };
    const body = [method, params ?? null];
    const span = startProducerSpan(stream, body, 'request', correlationId);
    const waiting = reader.expect(
      correlationId,
      span && ((entryId, replyHeaders) => span.addLinks(replyLink(reader.key, entryId, replyHeaders))),
    );
    // The reply can arrive (and reject) before XADD's own reply does: mark it handled now; the
    // rejection still reaches the `await waiting.promise` below.
    waiting.promise.catch(() => undefined);
    const timer = setTimeout(() => {
      waiting.cancel(new StreamRequestTimeoutError(method, timeout, stream));
    }, timeout);
    const onAbort = (): void => {
      waiting.cancel(
        options.signal?.reason instanceof Error ? options.signal.reason : new Error('request aborted'),
      );
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted === true) onAbort();
      const sent = span === undefined ? headers : tracedHeaders(span, headers);
      await this.#write(stream, body, sent, options.maxLen).catch((error: unknown) => {
        waiting.cancel(error instanceof Error ? error : new Error(String(error)));
      });
      return (await this.#metrics.request(stream, method, waiting.promise)) as T;
    } catch (error) {
      if (span !== undefined) failSpan(span, error);
      throw error;
    } finally {
      span?.end();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Writes a message under its producer span (when tracing is on). */
  #add(
    key: string,
    body: unknown,
    headers: StreamHeaders | undefined,
    maxLen: number | null | undefined,
    id = '*',
  ): Promise<string> {
    const span = startProducerSpan(key, body, 'publish');
    if (span === undefined) return this.#write(key, body, headers, maxLen, id);
    return endWhenSent(span, this.#write(key, body, tracedHeaders(span, headers), maxLen, id));
  }

  #write(
    key: string,
    body: unknown,
    headers: StreamHeaders | undefined,
    maxLen: number | null | undefined,
    id = '*',
  ): Promise<string> {
    let batcher: XaddBatcher;
    let payload: Buffer;
    try {
      this.#requireClient();
      batcher = this.#batcher as XaddBatcher;
      payload = encodeStreamMessage(body, headers ?? {});
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const cap = maxLen === undefined ? this.settings.maxLen : maxLen;
    if (id === '*') return batcher.add(key, payload, cap);
    const client = this.#requireClient();
    const added =
      cap === null
        ? client.xadd(key, id, MESSAGE_FIELD, payload)
        : client.xadd(key, 'MAXLEN', '~', cap, id, MESSAGE_FIELD, payload);
    return added.then(
      (entryId) => {
        this.#metrics.written(key, 1, true);
        return entryId ?? '';
      },
      (error: unknown) => {
        this.#metrics.written(key, 1, false);
        throw error;
      },
    );
  }

  #replyReader(): Promise<ReplyReader> {
    this.#replies ??= (async () => {
      const client = this.#requireClient();
      const reader = await this.use(transportDep).duplicate();
      return new ReplyReader(this.replyStream, client, reader, this.logger);
    })();
    const replies = this.#replies;
    replies.catch(() => {
      if (this.#replies === replies) this.#replies = undefined; // try again on the next request
    });
    return replies;
  }

  #requireClient(): RedisClient {
    if (this.#closed || this.#client === undefined)
      throw new StreamClientClosedError(this.name, 'used before init or after close');
    return this.#client;
  }
}
