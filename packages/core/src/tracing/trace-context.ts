// Trace context in message headers: W3C traceparent/tracestate written and read through the global propagator, or by Keel when none is registered.
import {
  type Context,
  createTraceState,
  isSpanContextValid,
  isValidSpanId,
  isValidTraceId,
  propagation,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

/** The W3C Trace Context header of the parent span: `version-traceid-spanid-flags`. */
export const TRACEPARENT_HEADER = 'traceparent';
/** The W3C Trace Context header of vendor-specific state. */
export const TRACESTATE_HEADER = 'tracestate';

/** Longest header value a propagator is given; longer ones (and non-strings) read as absent. */
const MAX_HEADER_CHARS = 8192;
/** Longest traceparent accepted (version 00 has exactly 55 characters; later versions may append). */
const MAX_TRACEPARENT_CHARS = 512;
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Headers of a message as decoded: any values. */
type HeaderMap = Readonly<Record<string, unknown>>;

const headerGetter: TextMapGetter<HeaderMap> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' && value.length <= MAX_HEADER_CHARS ? value : undefined;
  },
};

const headerSetter: TextMapSetter<Record<string, unknown>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Writes the trace context of `context` into `headers` (a message's headers map), when it has a
 * valid span context: through the globally registered propagator (`NodeSDK` registers W3C Trace
 * Context and Baggage), or — when none is registered — `traceparent` (and `tracestate`) written
 * by Keel. Returns false when there was nothing to write. A `traceparent` already in the
 * headers (the caller's own creation context) is kept as is.
 */
export function injectTraceContext(context: Context, headers: Record<string, unknown>): boolean {
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return false;
  if (headers[TRACEPARENT_HEADER] !== undefined) return false;
  propagation.inject(context, headers, headerSetter);
  if (propagation.fields().length === 0) {
    headers[TRACEPARENT_HEADER] = formatTraceparent(spanContext);
    const state = spanContext.traceState?.serialize();
    if (state !== undefined && state !== '') headers[TRACESTATE_HEADER] = state;
  }
  return true;
}

/**
 * The context carried by a message's headers, on top of the root context (so a message without
 * one starts a new trace): read by the registered propagator, or — when none is registered — by
 * Keel from `traceparent`/`tracestate` (exact lower-case names, as W3C writes them). Malformed
 * values (wrong format, over-long strings, numbers, maps) are ignored; it never throws.
 */
export function extractTraceContext(headers: HeaderMap): Context {
  let extracted: Context;
  try {
    extracted = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  } catch {
    extracted = ROOT_CONTEXT; // a propagator that throws on bad input must not stop the message
  }
  if (trace.getSpanContext(extracted) !== undefined || propagation.fields().length > 0) return extracted;
  const parent = parseTraceparent(headers[TRACEPARENT_HEADER], headers[TRACESTATE_HEADER]);
  return parent === undefined ? extracted : trace.setSpanContext(extracted, parent);
}

/** `00-<trace id>-<span id>-<flags>` of a span context. */
export function formatTraceparent(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * Parses a W3C `traceparent` strictly (lower-case hex, version `ff` refused, version `00` exactly
 * 55 characters, trace and span ids not all zeros) into a remote span context, with `tracestate`
 * when it is a well-formed string. `undefined` for anything else.
 */
export function parseTraceparent(value: unknown, state?: unknown): SpanContext | undefined {
  if (typeof value !== 'string' || value.length < 55 || value.length > MAX_TRACEPARENT_CHARS)
    return undefined;
  const match = TRACEPARENT_FORMAT.exec(value);
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  const parsed: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & 0xff,
    isRemote: true,
  };
  if (typeof state !== 'string' || state === '' || state.length > MAX_HEADER_CHARS) return parsed;
  try {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the API's own parser; @keel/core does not depend on @opentelemetry/core
    return { ...parsed, traceState: createTraceState(state) };
  } catch {
    return parsed;
  }
}
