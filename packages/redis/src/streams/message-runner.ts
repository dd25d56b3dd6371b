// runEntry: decodes a stream entry and runs its calls through the JSON-RPC server (inside its consumer span when tracing).
import { type JSONRPCServer, RpcCode, type RpcCallOptions, type Scope, toRpcError } from '@keel/core';
import type { ConsumerTelemetry } from './consumer-telemetry.js';
import { StreamMaxDeliveriesError } from './stream-errors.js';
import type { DeliveredEntry } from './stream-replies.js';
import { isReplyStreamKey } from './stream-keys.js';
import {
  type CallOutcome,
  CORRELATION_ID_HEADER,
  encodeReply,
  headerValue,
  type OutgoingReply,
  REPLY_TO_HEADER,
} from './rpc-reply.js';
import {
  decodeStreamMessage,
  type DecodedStreamMessage,
  messagePayload,
  parseRpcBody,
  type RpcCall,
} from './wire-format.js';
import { toError } from '@keel/core';

/** An entry to run, with how many times it has been delivered (this delivery included). */
export type RunnableEntry = DeliveredEntry;

/** What to do with an entry once it ran. */
export type EntryOutcome =
  /** Acknowledge it; `failed` when a call ended with a (final) error. */
  | { readonly kind: 'ack'; readonly failed: boolean; readonly reply?: OutgoingReply }
  /** Leave it pending for another delivery (a retryable failure). */
  | { readonly kind: 'retry'; readonly error: unknown }
  /** Move it to the dead-letter stream with `error`, acknowledging it. */
  | { readonly kind: 'dead'; readonly error: Error; readonly reply?: OutgoingReply }
  /** The entry was deleted from the stream: acknowledge the id. */
  | { readonly kind: 'gone' };

/** What the runner needs from its listener. */
export interface RunnerContext {
  readonly rpc: JSONRPCServer;
  readonly scope: Scope;
  /** The app's env: replies go only to `<env>.<app>._reply.<id>` keys. */
  readonly env: string;
  readonly maxDeliveries: number;
  /** False without claiming: a retryable failure is dead-lettered at once. */
  readonly canRetry: boolean;
  /** The consumer span of each message (none: no spans). */
  readonly telemetry?: ConsumerTelemetry;
}

/**
 * Server errors worth another delivery: the handler crashed (-32603), ran out of time (-32002),
 * was cancelled (-32003), or the server was closing (-32004) or full (-32005). Every other error
 * — invalid request or params, unknown method, passed deadline, an application `RpcError` — is
 * the call's answer and would fail again the same way.
 */
const RETRYABLE: ReadonlySet<number> = new Set([
  RpcCode.INTERNAL_ERROR,
  RpcCode.REQUEST_TIMEOUT,
  RpcCode.REQUEST_CANCELLED,
  RpcCode.SERVER_CLOSING,
  RpcCode.SERVER_BUSY,
]);

/** True when a failed call should be delivered again. */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(toRpcError(error).rpcCode);
}

/** Decodes and runs one entry through the RPC server; never rejects. */
export async function runEntry(entry: RunnableEntry, context: RunnerContext): Promise<EntryOutcome> {
  if (entry.fields === null) return { kind: 'gone' };
  let message: DecodedStreamMessage;
  let calls: ReturnType<typeof parseRpcBody>;
  try {
    message = decodeStreamMessage(messagePayload(entry.fields));
    calls = parseRpcBody(message.body);
  } catch (error) {
    return { kind: 'dead', error: toError(error) };
  }
  if (entry.deliveries > context.maxDeliveries) {
    const error = new StreamMaxDeliveriesError(entry.deliveries, context.maxDeliveries);
    const reply = replyFor(
      message,
      context,
      calls.calls.map(() => ({ ok: false, error })),
      calls.batch,
    );
    return { kind: 'dead', error, ...(reply === undefined ? {} : { reply }) };
  }
  const traced = context.telemetry?.start(message, entry);
  if (traced === undefined) return runMessage(entry, message, calls, context);
  const outcome = await traced.run(() => runMessage(entry, message, calls, context));
  traced.end(failureOf(outcome));
  return outcome;
}

/** Runs the calls of a decoded message; never rejects. */
async function runMessage(
  entry: RunnableEntry,
  message: DecodedStreamMessage,
  calls: ReturnType<typeof parseRpcBody>,
  context: RunnerContext,
): Promise<EntryOutcome> {
  const options: RpcCallOptions = { scope: context.scope, headers: message.headers };
  const outcomes =
    calls.calls.length === 1
      ? [await runCall(context.rpc, calls.calls[0] as RpcCall, options)]
      : await Promise.all(calls.calls.map((call) => runCall(context.rpc, call, options)));

  let failed = false;
  let retryError: unknown;
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    failed = true;
    if (retryError === undefined && isRetryable(outcome.error)) retryError = outcome.error;
  }
  if (retryError !== undefined) {
    if (context.canRetry && entry.deliveries < context.maxDeliveries)
      return { kind: 'retry', error: retryError };
    const reply = replyFor(message, context, outcomes, calls.batch);
    return { kind: 'dead', error: toError(retryError), ...(reply === undefined ? {} : { reply }) };
  }
  const reply = replyFor(message, context, outcomes, calls.batch);
  return { kind: 'ack', failed, ...(reply === undefined ? {} : { reply }) };
}

/** Why a message's span ends with status ERROR, if it does. */
function failureOf(outcome: EntryOutcome): string | undefined {
  if (outcome.kind === 'retry') return 'a call failed; the message stays pending for another delivery';
  if (outcome.kind === 'dead') return `dead-lettered: ${outcome.error.message}`;
  return outcome.kind === 'ack' && outcome.failed ? 'a call failed' : undefined;
}

async function runCall(rpc: JSONRPCServer, call: RpcCall, options: RpcCallOptions): Promise<CallOutcome> {
  try {
    return { ok: true, result: await rpc.dispatch(call.method, call.params, options) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The reply to send when the message asked for one (a valid `Reply-To` header). */
function replyFor(
  message: DecodedStreamMessage,
  context: RunnerContext,
  outcomes: readonly CallOutcome[],
  batch: boolean,
): OutgoingReply | undefined {
  const key = headerValue(message.headers, REPLY_TO_HEADER);
  if (typeof key !== 'string' || !isReplyStreamKey(key, context.env)) return undefined;
  const correlation = headerValue(message.headers, CORRELATION_ID_HEADER);
  const correlationId =
    typeof correlation === 'string' || typeof correlation === 'number' ? String(correlation) : '';
  return { key, payload: encodeReply(correlationId, outcomes, batch) };
}
