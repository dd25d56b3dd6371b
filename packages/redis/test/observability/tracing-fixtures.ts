import { SpanKind } from '@opentelemetry/api';
import { type InMemoryTracing, type ReadableSpan, waitUntil } from '../../../test-utils/src/index.js';

/** The ended spans of `kind` named `name`, waiting until there are at least `count`. */
export async function spansNamed(
  tracing: InMemoryTracing,
  name: string,
  count = 1,
  kind?: SpanKind,
): Promise<ReadableSpan[]> {
  return waitUntil(
    () => {
      const found = tracing
        .spans()
        .filter((span) => span.name === name && (kind === undefined || span.kind === kind));
      return found.length >= count ? found : undefined;
    },
    { what: `${count} span(s) named ${name}` },
  );
}

/** The one ended span named `name` (waiting for it). */
export async function spanNamed(
  tracing: InMemoryTracing,
  name: string,
  kind?: SpanKind,
): Promise<ReadableSpan> {
  const [span] = await spansNamed(tracing, name, 1, kind);
  if (span === undefined) throw new Error(`no span named ${name}`);
  return span;
}

/** The span's trace and span ids. */
export function idsOf(span: ReadableSpan): { traceId: string; spanId: string } {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** True when `child` is a child of `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}
