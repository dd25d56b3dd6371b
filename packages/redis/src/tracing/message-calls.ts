// The span attributes describing the calls a message carries: the method of a one-call message, or how many calls a batch has.
import type { Span } from '@opentelemetry/api';
import { Attr } from './redis-tracer.js';

/** Sets {@link Attr.RPC_METHOD} for a `[method, params]` body, {@link Attr.RPC_CALL_COUNT} for a batch body. */
export function describeCalls(span: Span, body: unknown): void {
  if (!Array.isArray(body)) return;
  const [first] = body as unknown[];
  if (typeof first === 'string') span.setAttribute(Attr.RPC_METHOD, first);
  else if (Array.isArray(first) || (typeof first === 'object' && first !== null)) {
    span.setAttribute(Attr.RPC_CALL_COUNT, body.length);
  }
}
