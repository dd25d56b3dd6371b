/** A typed view of a RedisStreamRPCClient: method names, params and results checked against an API type. */
import type { NotifyMethod, ParamsOf, RequestMethod, ResultOf, RpcArgs, RpcBatchCall } from '@keel/core';
import type { StreamBatchCall, StreamCallOptions, StreamRequestOptions } from './stream-call-options.js';
import type { StreamHeaders } from './wire-format.js';

/** What a {@link TypedStreamClient} sends its calls through: a `RedisStreamRPCClient`. */
export interface StreamRpcSender {
  call(method: string, params?: unknown, options?: StreamCallOptions): Promise<string>;
  callMultiple(calls: readonly StreamBatchCall[], options?: StreamCallOptions): Promise<string>;
  request<T = unknown>(method: string, params?: unknown, options?: StreamRequestOptions): Promise<T>;
}

/** Defaults of every call of a {@link TypedStreamClient}: where calls go, headers, timeout. */
export type TypedClientOptions = StreamRequestOptions;

/**
 * A thin typed view of a `RedisStreamRPCClient` (from `stream.client<Api>(options)`): the same
 * calls, with method names, params and results checked at compile time against `Api` — an
 * {@link ApiOf} type exported by the server's code, or one written by hand. Nothing is checked
 * at run time on the client side (the server validates the params); each call's options are
 * merged over the view's (headers merged too).
 */
export class TypedStreamClient<Api> {
  readonly #sender: StreamRpcSender;
  readonly #defaults: TypedClientOptions;

  constructor(sender: StreamRpcSender, defaults: TypedClientOptions = {}) {
    this.#sender = sender;
    this.#defaults = defaults;
  }

  /** The options every call starts from. */
  get defaults(): TypedClientOptions {
    return this.#defaults;
  }

  /** Calls `method` and resolves to its result (see `RedisStreamRPCClient.request`). */
  request<M extends RequestMethod<Api>>(
    method: M,
    ...[params, options]: RpcArgs<ParamsOf<Api, M>, StreamRequestOptions>
  ): Promise<ResultOf<Api, M>> {
    return this.#sender.request<ResultOf<Api, M>>(method, params, this.#merge(options));
  }

  /** Sends `method` as a notification (no result); resolves to the stream entry id. */
  call<M extends NotifyMethod<Api>>(
    method: M,
    ...[params, options]: RpcArgs<ParamsOf<Api, M>, StreamCallOptions>
  ): Promise<string> {
    return this.#sender.call(method, params, this.#merge(options));
  }

  /** Sends several notifications as one message (a kaiju batch); resolves to the entry id. */
  callMultiple(calls: readonly RpcBatchCall<Api>[], options?: StreamCallOptions): Promise<string> {
    return this.#sender.callMultiple(calls as readonly StreamBatchCall[], this.#merge(options));
  }

  #merge<O extends StreamCallOptions>(options: O | undefined): O | TypedClientOptions {
    if (options === undefined) return this.#defaults;
    const headers = mergeHeaders(this.#defaults.headers, options.headers);
    return { ...this.#defaults, ...options, ...(headers === undefined ? {} : { headers }) };
  }
}

function mergeHeaders(
  defaults: StreamHeaders | undefined,
  given: StreamHeaders | undefined,
): StreamHeaders | undefined {
  if (defaults === undefined) return given;
  return given === undefined ? defaults : { ...defaults, ...given };
}
