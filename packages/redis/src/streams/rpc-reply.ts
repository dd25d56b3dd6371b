// The reply side of stream requests: header names, outcomes and the encoded reply message.
import { context } from '@opentelemetry/api';
import { injectTraceContext, type JsonRpcErrorObject, type JsonRpcResponse, toRpcError } from '@keel/core';
import { encodeStreamMessage, type StreamHeaders } from './wire-format.js';

/** Header naming the reply stream of a request (set by `RedisStreamRPCClient.request`). */
export const REPLY_TO_HEADER = 'Reply-To';
/** Header carrying a request's correlation id; echoed on its reply. */
export const CORRELATION_ID_HEADER = 'Correlation-Id';

/** A reply to write: the reply stream and the encoded message. */
export interface OutgoingReply {
  readonly key: string;
  readonly payload: Buffer;
}

/** The outcome of one call of a message. */
export type CallOutcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: unknown };

/** Reads a header by name, case-insensitively. */
export function headerValue(headers: StreamHeaders, name: string): unknown {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

/** The JSON-RPC error object of a failure. */
export function errorObjectOf(error: unknown): JsonRpcErrorObject {
  return toRpcError(error).toErrorObject();
}

/**
 * The reply message of a request: body a JSON-RPC 2.0 response whose `id` is the correlation id
 * (an array of responses for a batch body, ids `0…n-1`), headers `{ Correlation-Id }` and, while
 * a span is active (the message's consumer span), its `traceparent`.
 */
export function encodeReply(correlationId: string, outcomes: readonly CallOutcome[], batch: boolean): Buffer {
  const responses = outcomes.map((outcome, index) => responseOf(batch ? index : correlationId, outcome));
  const headers: Record<string, unknown> = { [CORRELATION_ID_HEADER]: correlationId };
  injectTraceContext(context.active(), headers); // the consumer span's context, back to the caller
  return encodeStreamMessage(batch ? responses : responses[0], headers);
}

function responseOf(id: string | number, outcome: CallOutcome): JsonRpcResponse {
  return outcome.ok
    ? { jsonrpc: '2.0', id, result: outcome.result }
    : { jsonrpc: '2.0', id, error: errorObjectOf(outcome.error) };
}
