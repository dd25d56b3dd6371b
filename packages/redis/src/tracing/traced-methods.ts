// traceMethods: wraps chosen methods of one service instance in spans (RedisCache and RedisLocksService with `tracing: true`).
import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { failSpan } from '../streams/producer-telemetry.js';
import { redisTracer } from './redis-tracer.js';

/** What a traced method's span says of one call. */
export interface TracedCall {
  /** Attributes known from the arguments (set when the span records). */
  readonly attributes?: (args: readonly unknown[]) => Attributes;
  /** Attributes known from the result. */
  readonly result?: (result: unknown, span: Span) => void;
}

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Replaces each named method of `target` (an own property shadowing the prototype's) by one that
 * runs it inside a span of kind INTERNAL named `<prefix>.<method>` — with `db.system.name` `redis`
 * and `db.operation.name` the method — active while it runs, ended when its promise settles
 * (status ERROR on a rejection). Without an OpenTelemetry SDK the wrapper calls the method at
 * once. Only called when the service's `tracing` setting is on: otherwise the methods stay as
 * they are and cost nothing.
 */
export function traceMethods<T extends object>(
  target: T,
  prefix: string,
  methods: Readonly<Partial<Record<keyof T & string, TracedCall>>>,
): void {
  for (const [name, traced] of Object.entries(methods) as [string, TracedCall][]) {
    if (Object.hasOwn(target, name)) continue; // wrapped already (a service started again)
    const original = (target as Record<string, unknown>)[name] as AnyMethod;
    const spanName = `${prefix}.${name}`;
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const tracer = redisTracer();
      if (tracer === undefined) return original.apply(this, args);
      const span = tracer.startSpan(spanName, { kind: SpanKind.INTERNAL });
      if (span.isRecording()) {
        span.setAttributes({
          'db.system.name': 'redis',
          'db.operation.name': name,
          ...traced.attributes?.(args),
        });
      }
      let result: unknown;
      try {
        result = context.with(trace.setSpan(context.active(), span), () => original.apply(this, args));
      } catch (error) {
        failSpan(span, error);
        span.end();
        throw error;
      }
      if (!(result instanceof Promise)) {
        span.end();
        return result;
      }
      return result.then(
        (value: unknown) => {
          if (span.isRecording()) traced.result?.(value, span);
          span.end();
          return value;
        },
        (error: unknown) => {
          failSpan(span, error);
          span.end();
          throw error;
        },
      );
    };
    Object.defineProperty(target, name, { value: wrapped, configurable: true, writable: true });
  }
}

/** `keel.key`: the key a method's first argument names. */
export function firstKey(args: readonly unknown[]): Attributes {
  const [key] = args;
  return typeof key === 'string' ? { 'keel.key': key } : {};
}

/** `keel.key_count`: how many keys a list argument (or a map of entries, or string arguments) names. */
export function keyCount(args: readonly unknown[]): Attributes {
  const [first] = args;
  if (Array.isArray(first)) return { 'keel.key_count': first.length };
  if (first instanceof Map) return { 'keel.key_count': first.size };
  if (typeof first === 'object' && first !== null) return { 'keel.key_count': Object.keys(first).length };
  return { 'keel.key_count': args.filter((arg) => typeof arg === 'string').length };
}
