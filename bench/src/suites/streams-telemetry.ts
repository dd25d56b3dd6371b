// streamsTelemetryRows: the streams suite's rows for the cost of metrics and tracing (no SDK vs metrics off; in-memory SDK at 100 % vs no SDK).
import type { App } from '@keel/core';
import { startInMemoryTracing, type InMemoryTracing } from '@keel/test-utils';
import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';
import type { Cleanup } from '../harness/cleanup.js';
import type { BenchCase } from '../harness/suite.js';

/** How the streams suite starts a keel app and makes its one-message operation. */
export interface KeelStarter {
  /** A started app named `name` with `app:` settings `app` (stopped by the suite's cleanup). */
  start(name: string, app: object): Promise<App>;
  /** One `call()` of the no-op, done when the app's listener settled a message. */
  operation(app: App): () => Promise<void>;
}

/** The rows, and `untraced`: wraps any other row's op so that it runs with the SDK unregistered. */
export interface TelemetryRows {
  readonly rows: readonly BenchCase[];
  untraced(op: () => Promise<unknown>): () => Promise<unknown>;
}

/** Spans kept by the in-memory exporter before it is emptied (bounds the bench's memory). */
const RESET_EVERY_OPS = 20_000;

/**
 * Rows `keel call() metrics off` (baseline), `keel call() metrics on, OTel API only` (ratio vs
 * metrics off; target ≥ 0.95) and `keel call() + OTel SDK 100 % in-memory` (ratio vs the API-only
 * row; the expected price of tracing every message). One SDK (a `TracerProvider` with a
 * `SimpleSpanProcessor` into an `InMemorySpanExporter`, AsyncLocalStorage context manager) is
 * created at setup; its tracer provider is registered globally only while the SDK row runs (the
 * harness runs one case at a time) and unregistered by the first op of any other row, which
 * Keel's tracer sources notice at their next call. The context manager stays registered for
 * every row alike. The exporter is emptied every 20 000 operations.
 */
export async function streamsTelemetryRows(cleanup: Cleanup, keel: KeelStarter): Promise<TelemetryRows> {
  const tracing: InMemoryTracing = startInMemoryTracing();
  const global = trace.getTracerProvider();
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the registered SDK provider, to register it again later
  const sdk: TracerProvider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  trace.disable();
  cleanup.add(() => tracing.stop());
  let sdkOn = false;
  const setSdk = (on: boolean): void => {
    if (on === sdkOn) return;
    sdkOn = on;
    if (on) trace.setGlobalTracerProvider(sdk);
    else trace.disable();
  };

  const off = keel.operation(await keel.start('keel-nometrics', { metrics: false }));
  const on = keel.operation(await keel.start('keel-metrics', { metrics: true }));
  let ops = 0;
  const offName = 'keel call() metrics off';
  const apiName = 'keel call() metrics on, OTel API only (no SDK)';
  return {
    rows: [
      { name: offName, op: untraced(off) },
      { name: apiName, baseline: offName, op: untraced(on) },
      {
        name: 'keel call() metrics on + OTel SDK, in-memory exporter, 100 % sampled',
        baseline: apiName,
        op: () => {
          setSdk(true);
          if (++ops % RESET_EVERY_OPS === 0) tracing.reset();
          return on();
        },
      },
    ],
    untraced,
  };

  function untraced<T>(op: () => Promise<T>): () => Promise<T> {
    return () => {
      setSdk(false);
      return op();
    };
  }
}
