// RpcTelemetry: the JSON-RPC server's metrics (requests by method and outcome, duration, in flight) and its span per call.
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type {
  BoundCounter,
  BoundGauge,
  BoundHistogram,
  CounterMetric,
  HistogramMetric,
  MetricsSink,
} from '../metrics/metrics-sink.js';
import { coreTracer } from '../tracing/tracer-source.js';
import type { MethodTable } from './method-table.js';
import type { RpcError } from './rpc-error.js';

/** The `method` label (and span name) of a call to a method the server does not have. */
export const UNKNOWN_METHOD_LABEL = 'unknown';
/** The span name and `rpc.method` of a call to a method the server does not have (OpenTelemetry's `_OTHER`). */
export const UNKNOWN_METHOD_SPAN = '_OTHER';
/** The `outcome` label of a call answered with a result. */
const OK = 'ok';
/** Longest method name recorded as `rpc.method_original` on the span of an unknown method. */
const MAX_ORIGINAL_METHOD_CHARS = 256;

/** The bound series of one method. */
interface MethodSeries {
  readonly ok: BoundCounter;
  /** By JSON-RPC error code. */
  readonly failures: Map<string, BoundCounter>;
  readonly duration: BoundHistogram;
}

/**
 * What the JSON-RPC server records per call, kept out of its hot path: with metrics off
 * (`app.metrics: false`) no clock is read and nothing is counted; without an OpenTelemetry SDK no
 * span, context or attribute object is made. Series are bound once per method and outcome.
 *
 * - `keel_rpc_requests_total{method,outcome}`: `outcome` is `ok` or the JSON-RPC error code
 *   (`"-32602"`); a method the server does not have is counted as `method="unknown"`.
 * - `keel_rpc_request_duration_seconds{method}`: from admission to the answer.
 * - `keel_rpc_in_flight`: calls admitted and not yet answered.
 * - a span per call (kind SERVER, named after the method, `rpc.system=jsonrpc`, `rpc.method`;
 *   on failure status ERROR, `rpc.jsonrpc.error_code` and `error.type`), a child of the active
 *   context — a stream listener's consumer span — and active while the handler runs.
 */
export class RpcTelemetry {
  readonly #metrics: boolean;
  readonly #requests: CounterMetric<'method' | 'outcome'>;
  readonly #duration: HistogramMetric<'method'>;
  readonly #inFlight: BoundGauge;
  /** Bound series per method: one lookup per answered call. */
  readonly #series = new Map<string, MethodSeries>();

  constructor(sink: MetricsSink) {
    this.#metrics = sink.enabled;
    this.#requests = sink.counter({
      name: 'keel_rpc_requests_total',
      help: 'JSON-RPC calls answered, by method and outcome (ok, or the JSON-RPC error code)',
      labelNames: ['method', 'outcome'],
    });
    this.#duration = sink.histogram({
      name: 'keel_rpc_request_duration_seconds',
      help: 'Time from the admission of a JSON-RPC call to its answer, in seconds',
      labelNames: ['method'],
    });
    this.#inFlight = sink
      .gauge({ name: 'keel_rpc_in_flight', help: 'JSON-RPC calls admitted and not yet answered' })
      .bind({});
  }

  /** A call was admitted: counts it in flight; returns its start time (0 with metrics off). */
  begin(): number {
    if (!this.#metrics) return 0;
    this.#inFlight.inc();
    return performance.now();
  }

  /**
   * The span of a call to `method` (named `_OTHER` when `methods` lacks it), started in the
   * active context; `undefined` without an SDK.
   */
  startSpan(method: string, methods: MethodTable): Span | undefined {
    const tracer = coreTracer();
    if (tracer === undefined) return undefined;
    const known = methods.get(method) !== undefined;
    const name = known ? method : UNKNOWN_METHOD_SPAN;
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER });
    if (span.isRecording()) {
      span.setAttributes({ 'rpc.system': 'jsonrpc', 'rpc.method': name, 'rpc.jsonrpc.version': '2.0' });
      if (!known) span.setAttribute('rpc.method_original', method.slice(0, MAX_ORIGINAL_METHOD_CHARS));
    }
    return span;
  }

  /** Runs `run` with `span` active (so the handler's spans and log lines belong to it). */
  within<T>(span: Span, run: () => T): T {
    return context.with(trace.setSpan(context.active(), span), run);
  }

  /** The call begun at `started` was answered with a result. */
  succeeded(method: string, started: number, span: Span | undefined): void {
    span?.end();
    if (!this.#metrics) return;
    this.#inFlight.dec();
    const series = this.#seriesOf(method);
    series.duration.observe((performance.now() - started) / 1000);
    series.ok.inc();
  }

  /** The call begun at `started` failed with `error` (its failure is counted by {@link countFailure}). */
  failed(method: string, error: RpcError, started: number, span: Span | undefined): void {
    if (span !== undefined) {
      if (span.isRecording()) {
        span.setAttributes({ 'rpc.jsonrpc.error_code': error.rpcCode, 'error.type': String(error.rpcCode) });
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      span.end();
    }
    if (!this.#metrics) return;
    this.#inFlight.dec();
    this.#seriesOf(method).duration.observe((performance.now() - started) / 1000);
  }

  /** Counts a failed call (every failure, admitted or refused before admission) under `method`. */
  countFailure(method: string, code: number): void {
    if (!this.#metrics) return;
    const { failures } = this.#seriesOf(method);
    const outcome = String(code);
    let counter = failures.get(outcome);
    if (counter === undefined) {
      counter = this.#requests.bind({ method, outcome });
      failures.set(outcome, counter);
    }
    counter.inc();
  }

  #seriesOf(method: string): MethodSeries {
    let series = this.#series.get(method);
    if (series === undefined) {
      series = {
        ok: this.#requests.bind({ method, outcome: OK }),
        failures: new Map(),
        duration: this.#duration.bind({ method }),
      };
      this.#series.set(method, series);
    }
    return series;
  }
}
