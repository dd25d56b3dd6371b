/** Options of the stream RPC client's calls: where a call goes, what it carries, how long a request waits. */
import type { RpcCall, RpcCallTuple, StreamHeaders } from './wire-format.js';

/** Where a call goes and what it carries. */
export interface StreamCallOptions {
  /** The app to call (its listener's stream); default: the `app` setting, else this app. */
  readonly app?: string;
  /** The topic; default: the `topic` setting (`rpc`). */
  readonly topic?: string;
  /** Call the shared stream `<env>._shared._stream.<topic>`; default: the `shared` setting. */
  readonly shared?: boolean;
  /** Message headers (`Correlation-Id`, `Deadline`, `Timeout`, `Session-Id`, your own). */
  readonly headers?: StreamHeaders;
  /** Cap the stream at about this many entries (`MAXLEN ~`); default: the `maxLen` setting. */
  readonly maxLen?: number | null;
}

/** Options of `RedisStreamRPCClient.request`. */
export interface StreamRequestOptions extends StreamCallOptions {
  /** How long to wait for the reply, in ms; default: the `requestTimeoutMs` setting. */
  readonly timeout?: number;
  /** Aborting it stops waiting (the request may still run). */
  readonly signal?: AbortSignal;
}

/** A call of a batch: `[method, params]` or `{ method, params }`. */
export type StreamBatchCall = RpcCallTuple | RpcCall;
