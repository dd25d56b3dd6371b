// The PRODUCER span of a message sent to a stream or a pub/sub channel, with its trace context put in the message's headers.
import {
  context,
  type Context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext } from '@keel/core';
import { describeCalls } from '../tracing/message-calls.js';
import { Attr, MESSAGING_SYSTEM, redisTracer } from '../tracing/redis-tracer.js';
import type { StreamHeaders } from './wire-format.js';

/**
 * Starts the span of a message about to be sent to `destination` (a stream key or channel) —
 * kind PRODUCER, named `<operation> <destination>`, `messaging.operation.type` `publish` — as a
 * child of the active context. `operation` is `publish` (call, callMultiple, write, pub/sub) or
 * `request` (a request waiting for its reply, whose Correlation-Id is `conversationId`); the
 * calls of `body` give the `keel.rpc.*` attributes. `undefined` without an OpenTelemetry SDK
 * (nothing else is done then: arguments are positional so that no object is made for it).
 */
export function startProducerSpan(
  destination: string,
  body: unknown,
  operation: 'publish' | 'request',
  conversationId?: string,
): Span | undefined {
  const tracer = redisTracer();
  if (tracer === undefined) return undefined;
  const span = tracer.startSpan(`${operation} ${destination}`, { kind: SpanKind.PRODUCER });
  if (span.isRecording()) {
    span.setAttributes({
      [Attr.SYSTEM]: MESSAGING_SYSTEM,
      [Attr.DESTINATION]: destination,
      [Attr.OPERATION_TYPE]: 'publish',
      [Attr.OPERATION_NAME]: operation,
    });
    if (conversationId !== undefined) span.setAttribute(Attr.CONVERSATION_ID, conversationId);
    describeCalls(span, body);
  }
  return span;
}

/**
 * The headers to send with a message of `span`: a copy of `headers` with the span's W3C
 * `traceparent` (and `tracestate`) — the message's creation context. A `traceparent` the caller
 * put in the headers is kept (and the span links to it).
 */
export function tracedHeaders(span: Span, headers: StreamHeaders | undefined): StreamHeaders {
  const traced: Record<string, unknown> = { ...headers };
  if (!injectTraceContext(trace.setSpan(context.active(), span), traced) && span.isRecording()) {
    const given = trace.getSpanContext(extractTraceContext(traced));
    if (given !== undefined) span.addLink({ context: given });
  }
  return traced;
}

/** Ends `span` when `sent` settles: with the entry id (streams) on success, status ERROR on failure. */
export function endWhenSent<T>(span: Span, sent: Promise<T>): Promise<T> {
  return sent.then(
    (result) => {
      if (typeof result === 'string' && result !== '') span.setAttribute(Attr.MESSAGE_ID, result);
      span.end();
      return result;
    },
    (error: unknown) => {
      failSpan(span, error);
      span.end();
      throw error;
    },
  );
}

/** Marks `span` failed with `error` (status ERROR, the exception recorded, `error.type`). */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  const code = (failure as { code?: unknown }).code;
  span.setAttribute('error.type', typeof code === 'string' ? code : failure.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}

/**
 * The links a request's span gets (none when the reply has no context) to the reply that answered it: the reply's trace context (the
 * server's consumer span), with the reply entry's id and stream.
 */
export function replyLink(replyStream: string, entryId: string, headers: StreamHeaders): Link[] {
  const replyContext: Context = extractTraceContext(headers);
  const spanContext = trace.getSpanContext(replyContext);
  if (spanContext === undefined) return [];
  return [
    {
      context: spanContext,
      attributes: {
        [Attr.OPERATION_TYPE]: 'receive',
        [Attr.DESTINATION]: replyStream,
        [Attr.DESTINATION_TEMPORARY]: true,
        [Attr.MESSAGE_ID]: entryId,
      },
    },
  ];
}
