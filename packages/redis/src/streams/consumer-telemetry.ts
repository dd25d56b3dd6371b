// The CONSUMER span of a message a listener or subscriber processes: a child of (and linked to) the producer's context from the headers.
import { context, type Context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext } from '@keel/core';
import { describeCalls } from '../tracing/message-calls.js';
import { Attr, MESSAGING_SYSTEM, redisTracer } from '../tracing/redis-tracer.js';
import { CORRELATION_ID_HEADER } from './rpc-reply.js';

/** Where a consumer reads from. */
export interface ConsumerTarget {
  /** The stream key or channel. */
  readonly destination: string;
  /** The consumer group (streams). */
  readonly group?: string;
  /** This consumer's name in the group (streams). */
  readonly consumer?: string;
}

/** One message being processed: run its handlers inside the span, then end it. */
export interface ProcessTrace {
  /** Runs `work` with the message's span active (its JSON-RPC spans become children). */
  run<T>(work: () => T): T;
  /** Ends the span; `failure` (a reason) sets status ERROR. */
  end(failure?: string): void;
}

/** A decoded message. */
export interface ProcessedMessage {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** The stream entry a message came in (none for pub/sub). */
export interface ProcessedEntry {
  readonly id: string;
  /** Deliveries of the entry, this one included. */
  readonly deliveries: number;
}

/**
 * The spans of the messages one consumer processes: per message a span of kind CONSUMER named
 * `process <destination>` (`messaging.operation.type` `process`). Its parent is the creation
 * context the producer put in the headers (`traceparent`), and it also links to it, as the
 * semantic conventions recommend for every process span; a message without (or with a malformed)
 * `traceparent` gets a root span. Without an OpenTelemetry SDK nothing is made (no header read).
 */
export class ConsumerTelemetry {
  readonly #target: ConsumerTarget;
  readonly #name: string;

  constructor(target: ConsumerTarget) {
    this.#target = target;
    this.#name = `process ${target.destination}`;
  }

  /** Starts the span of `message` (read from `entry`); `undefined` without an SDK. */
  start(message: ProcessedMessage, entry?: ProcessedEntry): ProcessTrace | undefined {
    const tracer = redisTracer();
    if (tracer === undefined) return undefined;
    const parent = extractTraceContext(message.headers);
    const creation = trace.getSpanContext(parent);
    const span = tracer.startSpan(
      this.#name,
      { kind: SpanKind.CONSUMER, ...(creation === undefined ? {} : { links: [{ context: creation }] }) },
      parent,
    );
    if (span.isRecording()) this.#describe(span, message, entry);
    const active: Context = trace.setSpan(parent, span);
    return {
      run: (work) => context.with(active, work),
      end: (failure) => {
        if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
        span.end();
      },
    };
  }

  #describe(span: Span, message: ProcessedMessage, entry: ProcessedEntry | undefined): void {
    const { destination, group, consumer } = this.#target;
    span.setAttributes({
      [Attr.SYSTEM]: MESSAGING_SYSTEM,
      [Attr.DESTINATION]: destination,
      [Attr.OPERATION_TYPE]: 'process',
      [Attr.OPERATION_NAME]: 'process',
    });
    if (group !== undefined) span.setAttribute(Attr.CONSUMER_GROUP, group);
    if (consumer !== undefined) span.setAttribute(Attr.CLIENT_ID, consumer);
    if (entry !== undefined) {
      span.setAttribute(Attr.MESSAGE_ID, entry.id);
      span.setAttribute(Attr.DELIVERY_COUNT, entry.deliveries);
    }
    const correlation = message.headers[CORRELATION_ID_HEADER];
    if (typeof correlation === 'string' && correlation !== '')
      span.setAttribute(Attr.CONVERSATION_ID, correlation);
    describeCalls(span, message.body);
  }
}
