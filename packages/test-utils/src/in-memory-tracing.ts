// startInMemoryTracing: a real OpenTelemetry SDK (in-memory exporter, AsyncLocalStorage context) registered globally for tests and benches.
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** Options of {@link startInMemoryTracing}. */
export interface InMemoryTracingOptions {
  /**
   * Also register the W3C Trace Context propagator globally (as `NodeSDK` does). Without it no
   * propagator is registered and Keel writes and reads `traceparent` itself.
   */
  readonly propagator?: boolean;
}

/** A registered in-memory SDK: every ended span, sampled at 100 %. */
export interface InMemoryTracing {
  /** The spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans ended so far. */
  reset(): void;
  /** Unregisters the provider, the context manager and the propagator. */
  stop(): Promise<void>;
}

/**
 * Registers a `TracerProvider` whose spans go to an `InMemorySpanExporter` (one simple
 * processor, no batching), an `AsyncLocalStorageContextManager` and optionally the W3C
 * propagator, as the global OpenTelemetry SDK of this process. Call {@link InMemoryTracing.stop}
 * when done (one at a time per process).
 */
export function startInMemoryTracing(options: InMemoryTracingOptions = {}): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager) || !trace.setGlobalTracerProvider(provider)) {
    throw new Error('An OpenTelemetry SDK is already registered in this process');
  }
  if (options.propagator === true) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => {
      exporter.reset();
    },
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * {@link startInMemoryTracing} for the tests of the calling block: registered before them,
 * emptied before each, unregistered after them.
 */
export function useInMemoryTracing(options: InMemoryTracingOptions = {}): InMemoryTracing {
  let started: InMemoryTracing | undefined;
  beforeAll(() => {
    started = startInMemoryTracing(options);
  });
  beforeEach(() => {
    started?.reset();
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  const current = (): InMemoryTracing => {
    if (started === undefined) throw new Error('in-memory tracing is not started (use it inside a test)');
    return started;
  };
  return {
    spans: () => current().spans(),
    reset: () => {
      current().reset();
    },
    stop: () => current().stop(),
  };
}
