import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test-utils/src/capture-logger.js';
import { useInMemoryTracing } from '../../../test-utils/src/in-memory-tracing.js';
import { coreTracer } from '../../src/tracing/tracer-source.js';
import { Scope } from '../../src/rpc/scope.js';
import { probe, req, startServer, stopAll, until } from './fixtures.js';

const USER = { scope: Scope.USER };

beforeEach(() => {
  probe.reset();
});

afterEach(async () => {
  await stopAll();
});

/** The value of the one series `name` whose labels include `labels` in the exposition `text`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const rows = text.split('\n').filter((row) => {
    const open = row.indexOf('{');
    if (row.slice(0, open) !== name) return false;
    const present = row.slice(open + 1, row.lastIndexOf('}')).split(',');
    return wanted.every((pair) => present.includes(pair));
  });
  if (rows.length > 1) throw new Error(`${rows.length} series of ${name} match ${wanted.join()}`);
  const [row] = rows;
  return row === undefined ? undefined : Number(row.slice(row.lastIndexOf(' ') + 1));
}

describe('JSONRPCServer metrics', () => {
  it('counts requests by method and outcome, unknown methods under one label, and times them', async () => {
    const { app, server } = await startServer();
    await server.call(req('ext.double', { value: 1 }), USER);
    await server.dispatch('ext.double', { value: 2 }, USER);
    await server.call(req('ext.double', { value: 'x' }), USER); // -32602
    await server.call(req('ext.reject'), USER); // application error 4001
    await server.call(req('no.such_method'), USER); // -32601
    await server.call(req('another.missing'), USER); // -32601, same series
    await server.call(req('ext.admin_reset'), USER); // denied: -32601 under its own (bounded) name
    await server.call({ jsonrpc: '2.0', id: 1 }, USER); // no method: -32600
    const text = await app.metrics.text();
    const series = (labels: Record<string, string>): number | undefined =>
      sample(text, 'keel_rpc_requests_total', labels);
    expect(series({ method: 'ext.double', outcome: 'ok', service: 'JSONRPCServer' })).toBe(2);
    expect(series({ method: 'ext.double', outcome: '-32602' })).toBe(1);
    expect(series({ method: 'ext.reject', outcome: '4001' })).toBe(1);
    expect(series({ method: 'unknown', outcome: '-32601' })).toBe(2);
    expect(series({ method: 'ext.admin_reset', outcome: '-32601' })).toBe(1);
    expect(series({ method: 'unknown', outcome: '-32600' })).toBe(1);
    expect(text).not.toContain('no.such_method');
    expect(text).not.toContain('another.missing');
    const count = (method: string): number | undefined =>
      sample(text, 'keel_rpc_request_duration_seconds_count', { method });
    expect(count('ext.double')).toBe(3);
    expect(count('unknown')).toBe(2);
    expect(sample(text, 'keel_rpc_in_flight', { service: 'JSONRPCServer' })).toBe(0);
  });

  it('shows the calls in flight', async () => {
    const { app, server } = await startServer();
    const running = server.call(req('ext.gated', {}), USER);
    await until(() => probe.running === 1);
    expect(sample(await app.metrics.text(), 'keel_rpc_in_flight', { service: 'JSONRPCServer' })).toBe(1);
    probe.gate.open();
    await running;
    expect(sample(await app.metrics.text(), 'keel_rpc_in_flight', { service: 'JSONRPCServer' })).toBe(0);
  });

  it('records nothing with app.metrics false', async () => {
    const { app, server } = await startServer({}, { app: { metrics: false } });
    await server.call(req('ext.double', { value: 1 }), USER);
    expect(await app.metrics.text()).not.toContain('keel_rpc_');
  });
});

describe('JSONRPCServer without an OpenTelemetry SDK', () => {
  it('has no tracer, and answers calls as before', async () => {
    expect(coreTracer()).toBeUndefined();
    const { server } = await startServer();
    expect(await server.call(req('ext.traced'), USER)).toMatchObject({ result: { traceId: null } });
  });
});

describe('JSONRPCServer spans', () => {
  const tracing = useInMemoryTracing();

  it('makes a SERVER span per call, named after the method, a child of the active span, active in the handler', async () => {
    const { server } = await startServer();
    const tracer = trace.getTracer('test');
    const answer = await tracer.startActiveSpan('consumer', async (parent) => {
      try {
        return await server.call(req('ext.traced'), USER);
      } finally {
        parent.end();
      }
    });
    const span = tracing.spans().find((ended) => ended.name === 'ext.traced');
    const parent = tracing.spans().find((ended) => ended.name === 'consumer');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toMatchObject({ 'rpc.system': 'jsonrpc', 'rpc.method': 'ext.traced' });
    expect(span?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(span?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(answer).toMatchObject({
      result: { traceId: span?.spanContext().traceId, spanId: span?.spanContext().spanId },
    });
  });

  it('sets status ERROR and the JSON-RPC error code on a failed call', async () => {
    const { server } = await startServer();
    await server.call(req('ext.double', { value: 'x' }), USER);
    await server.dispatch('ext.fail', {}, USER).catch(() => undefined);
    const invalid = tracing.spans().find((ended) => ended.name === 'ext.double');
    expect(invalid?.status.code).toBe(SpanStatusCode.ERROR);
    expect(invalid?.attributes).toMatchObject({ 'rpc.jsonrpc.error_code': -32602, 'error.type': '-32602' });
    const crashed = tracing.spans().find((ended) => ended.name === 'ext.fail');
    expect(crashed?.attributes['rpc.jsonrpc.error_code']).toBe(-32603);
    expect(invalid?.parentSpanContext).toBeUndefined(); // no active span: a root span
  });

  it('names the span of an unknown method _OTHER (the name given goes in rpc.method_original)', async () => {
    const { server } = await startServer();
    await server.call(req('no.such_method'), USER);
    const [span] = tracing.spans();
    expect(span?.name).toBe('_OTHER');
    expect(span?.attributes).toMatchObject({
      'rpc.method': '_OTHER',
      'rpc.method_original': 'no.such_method',
      'rpc.jsonrpc.error_code': -32601,
    });
  });

  it("joins the handler's log lines to its span (trace_id, span_id)", async () => {
    const captured = captureLogger();
    const { server } = await startServer({}, { logger: captured.logger });
    await server.call(req('ext.traced'), USER);
    const span = tracing.spans().find((ended) => ended.name === 'ext.traced');
    const line = captured.lines().find((logged) => logged['msg'] === 'traced handler ran');
    expect(line).toMatchObject({
      trace_id: span?.spanContext().traceId,
      span_id: span?.spanContext().spanId,
    });
  });
});
