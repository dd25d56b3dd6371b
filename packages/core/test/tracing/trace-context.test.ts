import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startInMemoryTracing } from '../../../test-utils/src/in-memory-tracing.js';
import {
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  parseTraceparent,
} from '../../src/tracing/trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('parseTraceparent', () => {
  it('reads a valid version-00 header as a remote span context, with tracestate', () => {
    expect(parseTraceparent(VALID, 'congo=t61rcWkgMzE')).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(parseTraceparent(VALID, 'congo=t61rcWkgMzE')?.traceState?.get('congo')).toBe('t61rcWkgMzE');
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 })).toBe(VALID);
  });

  it('refuses anything else, without throwing', () => {
    for (const bad of [
      undefined,
      null,
      42,
      { traceparent: VALID },
      [VALID],
      '',
      VALID.toUpperCase(),
      `${VALID}-extra`, // version 00 has no suffix
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-1`,
      ` ${VALID}`,
      `01-${TRACE_ID}-${SPAN_ID}-01-${'x'.repeat(10_000)}`,
      'x'.repeat(10_000),
    ]) {
      expect(parseTraceparent(bad), typeof bad === 'string' ? bad.slice(0, 60) : typeof bad).toBeUndefined();
    }
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-future`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceparent(VALID, 42)?.traceState).toBeUndefined();
  });
});

describe('inject and extract without an SDK or a propagator', () => {
  it('writes nothing without a valid span context', () => {
    const headers: Record<string, unknown> = {};
    expect(injectTraceContext(ROOT_CONTEXT, headers)).toBe(false);
    expect(headers).toEqual({});
  });

  it('writes traceparent itself, keeps a caller-given one, and reads it back', () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    const headers: Record<string, unknown> = { 'Correlation-Id': 'c' };
    expect(injectTraceContext(parent, headers)).toBe(true);
    expect(headers).toEqual({ 'Correlation-Id': 'c', traceparent: VALID });
    const given: Record<string, unknown> = { traceparent: 'mine' };
    expect(injectTraceContext(parent, given)).toBe(false);
    expect(given).toEqual({ traceparent: 'mine' });
    expect(trace.getSpanContext(extractTraceContext(headers))).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
    });
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 7 }))).toBeUndefined();
  });
});

describe('inject and extract with the W3C propagator registered', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('goes through the propagator, which ignores malformed values too', async () => {
    const tracing = startInMemoryTracing({ propagator: true });
    stop = () => tracing.stop();
    expect(propagation.fields()).toContain('traceparent');
    const headers: Record<string, unknown> = {};
    trace.getTracer('test').startActiveSpan('p', (span) => {
      injectTraceContext(context.active(), headers);
      span.end();
    });
    const [span] = tracing.spans();
    expect(headers['traceparent']).toBe(`00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01`);
    expect(trace.getSpanContext(extractTraceContext(headers))?.spanId).toBe(span?.spanContext().spanId);
    for (const bad of [42, { a: 1 }, 'x'.repeat(10_000), `00-${TRACE_ID}-${SPAN_ID}-01${'x'.repeat(9000)}`]) {
      expect(trace.getSpanContext(extractTraceContext({ traceparent: bad }))).toBeUndefined();
    }
    await Promise.resolve();
  });
});
