// Log lines joined to traces: the pino mixin that adds trace_id and span_id of the active span.
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** What {@link traceLogFields} returns while no span is active (never mutated: see {@link mergeTraceLogFields}). */
const NO_TRACE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The pino `mixin` of Keel's loggers: `{ trace_id, span_id, trace_flags }` of the active span
 * (OpenTelemetry's log correlation field names), or nothing when no valid span is active — one
 * context lookup per line, no object made.
 */
export function traceLogFields(): object {
  const span = trace.getActiveSpan();
  if (span === undefined) return NO_TRACE;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return NO_TRACE;
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0'),
  };
}

/** pino's `mixinMergeStrategy` for {@link traceLogFields}: a line's own fields win; the shared empty result is not written to. */
export function mergeTraceLogFields(mergeObject: object, mixinObject: object): object {
  return mixinObject === NO_TRACE ? mergeObject : Object.assign(mixinObject, mergeObject);
}
