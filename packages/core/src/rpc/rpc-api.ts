/** API types: method name → params, result and call mode, derived from a service's routes for typed clients. */
import type { RpcContext } from './rpc-context.js';
import type { Route, RpcCallMode } from './rpc-route.js';

/**
 * One method of an API type. Write API types by hand in this shape when the server's code is not
 * at hand: `{ 'orders.place': { params: PlaceOrder; result: Order } }`.
 */
export interface RpcMethodType<P = unknown, R = unknown> {
  /** What callers send (optional when it admits `undefined`). */
  readonly params: P;
  /** What a request resolves to. */
  readonly result: R;
  /** `'request'`: `call` is a type error; `'notify'`: `request` is. Both are allowed when unset. */
  readonly only?: RpcCallMode;
}

/** The constraint of an API type: every member an {@link RpcMethodType} (interfaces fit too). */
export type RpcApi<A> = { readonly [K in keyof A]: RpcMethodType };

/** What the server answers for a handler's return type: awaited, `undefined` as `null`. */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- matches handlers that return nothing
export type RpcResult<R> = [Awaited<R>] extends [void]
  ? null
  : undefined extends Awaited<R>
    ? Exclude<Awaited<R>, undefined> | null
    : Awaited<R>;

/**
 * The method type of one route handler: for a {@link route}, the validator's input type, the
 * handler's result and the call mode; for a plain handler, its first parameter's type (`unknown`
 * when it has none) and its result.
 */
export type RouteMethodType<H> =
  H extends Route<infer I, never, infer R, infer M>
    ? M extends RpcCallMode
      ? { readonly params: I; readonly result: RpcResult<R>; readonly only: M }
      : { readonly params: I; readonly result: RpcResult<R> }
    : H extends (params: infer P, context: RpcContext) => infer R
      ? { readonly params: P; readonly result: RpcResult<R> }
      : never;

/**
 * The API type of a service served under the name `Name` (its `name:` in the YAML, or its class's
 * `serviceName`): one method `<Name>.<route>` per route of its `routes`.
 *
 * ```ts
 * export type OrdersApi = ApiOf<Orders, 'orders'>;
 * // { 'orders.place': { params: PlaceOrder; result: Order }; 'orders.get': … }
 * type ShopApi = OrdersApi & ApiOf<Stock, 'stock'>; // several services, one client
 * ```
 *
 * `routes` must keep its inferred type: a getter annotated `Record<string, RpcHandler>` gives an
 * API that accepts any method name. `Name` is a contract with the config: if the service runs
 * under another name, calls fail at run time with `-32601 Method not found`.
 */
export type ApiOf<S extends { readonly routes: object }, Name extends string> = {
  readonly [K in keyof S['routes'] & string as `${Name}.${K}`]: RouteMethodType<S['routes'][K]>;
};

/** Method names of `Api` a typed client may `request` (all but the notify-only ones). */
export type RequestMethod<Api> = {
  [K in keyof Api]: Api[K] extends { readonly only: 'notify' } ? never : K;
}[keyof Api] &
  string;

/** Method names of `Api` a typed client may `call` as a notification (all but the request-only ones). */
export type NotifyMethod<Api> = {
  [K in keyof Api]: Api[K] extends { readonly only: 'request' } ? never : K;
}[keyof Api] &
  string;

/** The params type of method `M`. */
export type ParamsOf<Api, M extends keyof Api> = Api[M] extends { readonly params: infer P } ? P : never;

/** The result type of method `M`. */
export type ResultOf<Api, M extends keyof Api> = Api[M] extends { readonly result: infer R } ? R : never;

/** The arguments after the method name: params (optional when they admit `undefined`), then options. */
export type RpcArgs<P, O> = undefined extends P ? [params?: P, options?: O] : [params: P, options?: O];

/** One notification of a batch: `[method, params]` or `{ method, params }`, typed by `Api`. */
export type RpcBatchCall<Api> = {
  [M in NotifyMethod<Api>]: undefined extends ParamsOf<Api, M>
    ? | readonly [method: M, params?: ParamsOf<Api, M>]
      | { readonly method: M; readonly params?: ParamsOf<Api, M> }
    : | readonly [method: M, params: ParamsOf<Api, M>]
      | { readonly method: M; readonly params: ParamsOf<Api, M> };
}[NotifyMethod<Api>];
