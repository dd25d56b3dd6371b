// tracerSource: a package's OpenTelemetry tracer, or undefined while no SDK is registered (the cheap check of every hot path).
import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** What the API's global provider delegates to while no SDK registered one (a no-op singleton). */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the only public way to tell "no SDK" without starting a span
const NO_SDK: TracerProvider = new ProxyTracerProvider().getDelegate();

/** Returns the tracer to start spans with, or `undefined` when tracing is off (no SDK registered). */
export type TracerSource = () => Tracer | undefined;

/**
 * A {@link TracerSource} for the instrumentation scope `name`. Without an OpenTelemetry SDK it
 * returns `undefined` (a property read and a comparison: no span, context or attribute object is
 * made); once an SDK registers a tracer provider (`trace.setGlobalTracerProvider`, which
 * `NodeSDK.start()` and `provider.register()` call) it returns that provider's tracer. A provider
 * registered, disabled or replaced later is noticed at the next call.
 */
export function tracerSource(name: string, version?: string): TracerSource {
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  return () => {
    const global = trace.getTracerProvider();
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see NO_SDK
    const current = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
    if (current !== provider) {
      provider = current;
      tracer = current === NO_SDK ? undefined : current.getTracer(name, version);
    }
    return tracer;
  };
}

/** The tracer of @keel/core's own spans (the JSON-RPC server's). */
export const coreTracer: TracerSource = tracerSource('@keel/core');
