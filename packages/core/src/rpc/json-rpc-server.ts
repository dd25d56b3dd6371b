// JSONRPCServer: the transport-independent JSON-RPC 2.0 server (dispatch, scopes, params checks, time budgets, parallelism).
import { Service, type ServiceContext, type ServiceHealth } from '../services/service.js';
import { builtinMethods } from './builtin-methods.js';
import { CallBudget } from './call-budget.js';
import { findUnsafeParams, invalidParams } from './check-params.js';
import { type JsonRpcServerSettings, jsonRpcServerSettings } from './json-rpc-server-settings.js';
import type { JsonRpcResponse } from './json-rpc-types.js';
import { MethodTable, type RpcMethod } from './method-table.js';
import { parseJsonRpcRequest } from './parse-request.js';
import { RpcCode } from './rpc-codes.js';
import type { RpcContext } from './rpc-context.js';
import { RpcError, rpcError } from './rpc-error.js';
import { type ParsedRpcHeaders, type RpcHeaders, parseRpcHeaders } from './rpc-headers.js';
import type { RpcServerStats } from './rpc-stats.js';
import { RpcTelemetry, UNKNOWN_METHOD_LABEL } from './rpc-telemetry.js';
import { redactParams } from './redact-params.js';
import { type Scope, scopeName } from './scope.js';
import { Semaphore } from './semaphore.js';
import { errorResponse, JSONRPC } from './rpc-response.js';
import { toRpcError } from './to-rpc-error.js';
import { isPromiseLike } from './is-promise-like.js';

/** How a transport calls the server. */
export interface RpcCallOptions {
  /** The caller's scope; methods needing more privilege look like unknown methods. */
  readonly scope: Scope;
  /** Headers of the call (names case-insensitive): Correlation-Id, Deadline, Timeout, Session-Id. */
  readonly headers?: RpcHeaders;
  /** Aborting it cancels the call (-32003) and aborts the handler's signal. */
  readonly signal?: AbortSignal;
}

/** Node's largest timer delay; longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The transport-independent JSON-RPC 2.0 server: it dispatches `service.route` methods of every
 * service exposing `routes` (see {@link RpcService}), checks the caller's scope and the params,
 * applies the time budget of each call and bounds how many handlers run at once.
 *
 * Transports call {@link call} with a decoded request object or batch, or {@link dispatch} with
 * a method name and params (kaiju's `[method, params]` stream messages).
 *
 * The method table is read from `app.services.all()` once, when the server starts (or at the
 * first call if that comes earlier). Every service is constructed before any starts, so routes
 * of services listed after the server are included; a transport should still start after the
 * services it serves (list them first, or use `dependsOn`).
 */
export class JSONRPCServer extends Service<JsonRpcServerSettings> {
  static override settingsSpec = jsonRpcServerSettings;

  readonly #semaphore: Semaphore;
  readonly #telemetry: RpcTelemetry = new RpcTelemetry(this.metricsSink);
  #table: MethodTable | undefined;
  #closing = false;
  #processed = 0;
  #failed = 0;
  /** The budget of every admitted call that has not been answered (stopped when closing). */
  readonly #pending = new Set<CallBudget>();
  /** Resolved when no call is pending and no handler runs (see {@link close}). */
  readonly #idleWaiters: (() => void)[] = [];

  constructor(context: ServiceContext<JsonRpcServerSettings>) {
    super(context);
    this.#semaphore = new Semaphore(this.settings.maxParallelTasks, this.settings.maxQueuedRequests);
  }

  /** The methods this server serves (built on first use). */
  get methods(): MethodTable {
    if (this.#table === undefined) {
      const table = MethodTable.fromServices(this.app.services.all());
      if (this.settings.enableBuiltins) for (const method of builtinMethods(this)) table.add(method);
      this.#table = table;
    }
    return this.#table;
  }

  /** The server's counters. */
  get stats(): RpcServerStats {
    return {
      processed: this.#processed,
      failed: this.#failed,
      inFlight: this.#semaphore.active,
      queued: this.#semaphore.queued,
    };
  }

  /** True once {@link close} has been called: new calls are refused. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Healthy until closing; details are the {@link stats}. */
  override health(): Promise<ServiceHealth> {
    return Promise.resolve({ healthy: !this.#closing, details: { ...this.stats } });
  }

  /** Builds the method table, so a bad `routes`/`permissions`/`validators` fails the start. */
  override init(): Promise<void> {
    this.logger.debug({ methods: this.methods.size }, 'rpc methods ready');
    return Promise.resolve();
  }

  /**
   * Handles a decoded JSON-RPC 2.0 message: a request object, a batch (array) of them, or
   * anything else (answered with -32600). Resolves to the response, the array of responses of a
   * batch, or `null` when there is nothing to answer (notifications only). Never rejects.
   */
  async call(request: unknown, options: RpcCallOptions): Promise<JsonRpcResponse | JsonRpcResponse[] | null> {
    let headers: ParsedRpcHeaders;
    try {
      headers = parseRpcHeaders(options.headers);
    } catch (error) {
      this.#countFailure(undefined, undefined, {}, error, 'malformed header');
      return errorResponse(null, error);
    }
    if (!Array.isArray(request)) return this.#handleOne(request, headers, options);
    if (request.length === 0) {
      const error = rpcError(RpcCode.INVALID_REQUEST, { data: { reason: 'a batch must not be empty' } });
      this.#countFailure(undefined, undefined, headers, error, 'empty batch');
      return errorResponse(null, error);
    }
    const responses = await Promise.all(
      request.map((item: unknown) => this.#handleOne(item, headers, options)),
    );
    const answered = responses.filter((response) => response !== null);
    return answered.length === 0 ? null : answered;
  }

  /**
   * Runs one method for a transport without JSON-RPC envelopes (no ids). Resolves to the result
   * (`null` for `undefined`); rejects with an {@link RpcError} carrying the code a JSON-RPC
   * response would have.
   */
  async dispatch(method: string, params: unknown, options: RpcCallOptions): Promise<unknown> {
    let headers: ParsedRpcHeaders;
    try {
      headers = parseRpcHeaders(options.headers);
    } catch (error) {
      this.#countFailure(method, params, {}, error, 'malformed header');
      throw error;
    }
    if (typeof method !== 'string' || method === '') {
      const error = rpcError(RpcCode.INVALID_REQUEST, {
        data: { reason: 'method must be a non-empty string' },
      });
      this.#countFailure(undefined, params, headers, error, 'invalid method name');
      throw error;
    }
    return this.#invoke(method, params, headers, options);
  }

  /**
   * Stops accepting calls (new ones get -32004 "Server closing"), then waits for admitted calls
   * (running and queued) up to `closeTimeoutMs`; calls still going then are aborted and answered
   * with -32004.
   */
  override async close(): Promise<void> {
    this.#closing = true;
    if (this.#idle) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<true>((resolve) => {
        this.#idleWaiters.push(() => {
          resolve(true);
        });
      }),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, this.settings.closeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.logger.warn(
        { pending: this.#pending.size, running: this.#semaphore.active },
        'rpc calls still running at close; aborting them',
      );
      for (const budget of this.#pending) budget.stop(rpcError(RpcCode.SERVER_CLOSING));
    }
  }

  get #idle(): boolean {
    return this.#pending.size === 0 && this.#semaphore.active === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#idle) return;
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  async #handleOne(
    raw: unknown,
    headers: ParsedRpcHeaders,
    options: RpcCallOptions,
  ): Promise<JsonRpcResponse | null> {
    const request = parseJsonRpcRequest(raw);
    if (!request.ok) {
      const error = rpcError(RpcCode.INVALID_REQUEST, { data: { reason: request.reason } });
      this.#countFailure(undefined, undefined, headers, error, request.reason);
      return errorResponse(null, error);
    }
    try {
      const result = await this.#invoke(request.method, request.params, headers, options);
      return request.notification ? null : { jsonrpc: JSONRPC, id: request.id, result };
    } catch (error) {
      return request.notification ? null : errorResponse(request.id, error);
    }
  }

  /** Admission, checks, queueing and the run of one call; counts and logs its outcome. */
  async #invoke(
    method: string,
    params: unknown,
    headers: ParsedRpcHeaders,
    options: RpcCallOptions,
  ): Promise<unknown> {
    let reason: string | undefined;
    let result: unknown;
    const started = this.#telemetry.begin();
    const span = this.#telemetry.startSpan(method, this.methods);
    try {
      const prepared = this.#prepare(method, params, options.scope);
      if ('denied' in prepared) {
        reason = prepared.denied;
        throw rpcError(RpcCode.METHOD_NOT_FOUND);
      }
      const { method: target, params: checked } = prepared;
      result =
        span === undefined
          ? await this.#run(target, checked, headers, options)
          : await this.#telemetry.within(span, () => this.#run(target, checked, headers, options));
    } catch (error) {
      const rpc = this.#countFailure(method, params, headers, error, reason);
      this.#telemetry.failed(this.#methodLabel(method), rpc, started, span);
      throw rpc;
    }
    this.#processed += 1;
    this.#telemetry.succeeded(method, started, span);
    return result === undefined ? null : result;
  }

  /** Checks that may refuse a call before it takes any resource. */
  #prepare(
    name: string,
    params: unknown,
    scope: Scope,
  ): { method: RpcMethod; params: unknown } | { denied: string } {
    if (this.#closing) throw rpcError(RpcCode.SERVER_CLOSING);
    const method = this.methods.find(name, scope);
    if (method === undefined) {
      const known = this.methods.get(name);
      // Same error either way; only the log tells them apart.
      return {
        denied:
          known === undefined
            ? 'unknown method'
            : `scope ${scopeName(scope)} may not call a method that needs ${scopeName(known.scope)}`,
      };
    }
    const callParams = params ?? {};
    if (typeof callParams !== 'object') {
      throw invalidParams([{ path: '$input', expected: 'an object or an array' }]);
    }
    const unsafe = findUnsafeParams(callParams);
    if (unsafe.length > 0) throw invalidParams(unsafe);
    if (method.validator === undefined) return { method, params: callParams };
    const checked = method.validator(callParams);
    if (!checked.success) {
      throw invalidParams(checked.errors.map(({ path, expected }) => ({ path, expected })));
    }
    // A schema's output (defaults, transforms); typia's is the params themselves.
    return { method, params: checked.data };
  }

  /** Applies the time budget, waits for a slot, runs the handler. */
  async #run(
    method: RpcMethod,
    params: unknown,
    headers: ParsedRpcHeaders,
    options: RpcCallOptions,
  ): Promise<unknown> {
    const now = Date.now();
    const timeoutMs = Math.min(
      headers.timeoutMs ?? this.settings.defaultRequestTimeMs,
      this.settings.maxRequestTimeMs,
      MAX_TIMER_MS,
    );
    let deadline = now + timeoutMs;
    let limit: RpcCode = RpcCode.REQUEST_TIMEOUT;
    if (headers.deadlineMs !== undefined) {
      if (headers.deadlineMs <= now) throw rpcError(RpcCode.DEADLINE_EXCEEDED);
      if (headers.deadlineMs < deadline) {
        deadline = headers.deadlineMs;
        limit = RpcCode.DEADLINE_EXCEEDED;
      }
    }
    if (options.signal?.aborted === true) throw rpcError(RpcCode.REQUEST_CANCELLED);
    if (this.#semaphore.queueFull) throw rpcError(RpcCode.SERVER_BUSY);

    // Timeout and cancellation answer the call directly (no abort listener per call); the
    // handler's signal and the timer exist only when needed (see CallBudget).
    const budget = new CallBudget(deadline, () => rpcError(limit));
    const onCancel =
      options.signal === undefined
        ? undefined
        : (): void => {
            budget.stop(rpcError(RpcCode.REQUEST_CANCELLED));
          };
    if (onCancel !== undefined) options.signal?.addEventListener('abort', onCancel, { once: true });
    this.#pending.add(budget);
    try {
      if (!this.#semaphore.tryAcquire()) {
        budget.arm();
        await this.#semaphore.acquire(budget.signal);
      }
      if (budget.stoppedWith !== undefined) {
        this.#releaseSlot();
        throw toRpcError(budget.stoppedWith);
      }
      const context: RpcContext = {
        method: method.name,
        scope: options.scope,
        get signal() {
          return budget.signal;
        },
        deadline,
        headers: options.headers ?? {},
        ...(headers.sessionId === undefined ? {} : { sessionId: headers.sessionId }),
        ...(headers.correlationId === undefined ? {} : { correlationId: headers.correlationId }),
      };
      let value: unknown;
      try {
        value = method.invoke(params, context);
      } catch (error) {
        this.#releaseSlot();
        throw error;
      }
      if (!isPromiseLike(value)) {
        this.#releaseSlot();
        return value;
      }
      const handler = Promise.resolve(value);
      // The slot is held until the handler really settles, even after a timeout answered the call.
      const release = (): void => {
        this.#releaseSlot();
      };
      void handler.then(release, release);
      return await budget.race(handler);
    } finally {
      budget.dispose();
      if (onCancel !== undefined) options.signal?.removeEventListener('abort', onCancel);
      this.#pending.delete(budget);
      this.#notifyIfIdle();
    }
  }

  #releaseSlot(): void {
    this.#semaphore.release();
    this.#notifyIfIdle();
  }

  #countFailure(
    method: string | undefined,
    params: unknown,
    headers: ParsedRpcHeaders,
    error: unknown,
    reason: string | undefined,
  ): RpcError {
    this.#processed += 1;
    this.#failed += 1;
    const rpc = toRpcError(error);
    this.#telemetry.countFailure(this.#methodLabel(method), rpc.rpcCode);
    this.logger.warn(
      {
        method,
        ...(params === undefined ? {} : { params: redactParams(params) }),
        ...(headers.correlationId === undefined ? {} : { correlationId: headers.correlationId }),
        ...(headers.sessionId === undefined ? {} : { sessionId: headers.sessionId }),
        code: rpc.rpcCode,
        ...(reason === undefined ? {} : { reason }),
        ...(error instanceof RpcError ? { error: error.message } : { err: error }),
      },
      'rpc call failed',
    );
    return rpc;
  }

  /** The `method` label of a call: its name when the server has it, else `unknown` (bounded). */
  #methodLabel(method: string | undefined): string {
    return method !== undefined && this.methods.get(method) !== undefined ? method : UNKNOWN_METHOD_LABEL;
  }
}
