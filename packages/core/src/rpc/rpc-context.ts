import type { Scope } from './scope.js';
import type { RpcHeaders } from './rpc-headers.js';

/** What a handler receives besides its params. */
export interface RpcContext {
  /** The full method name (`service.route`). */
  readonly method: string;
  /** The caller's scope (set by the transport, e.g. the listener's `scope` setting). */
  readonly scope: Scope;
  /** The `Session-Id` header, when sent. */
  readonly sessionId?: string;
  /** The `Correlation-Id` header, when sent. */
  readonly correlationId?: string;
  /** Aborts when the call times out, its deadline passes, the transport cancels it or the server closes. */
  readonly signal: AbortSignal;
  /** When the call times out, as epoch milliseconds (every call has a time budget). */
  readonly deadline: number;
  /** Every header the call came with, as received. */
  readonly headers: RpcHeaders;
}
