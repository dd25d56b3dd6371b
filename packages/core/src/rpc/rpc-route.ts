/** `route()`: a route handler declared with its params validator and call mode, for typed clients. */
import {
  isValidator,
  type Validator,
  type ValidatorInput,
  type ValidatorOutput,
} from '../validation/validator.js';
import { KeelError } from '../errors/keel-error.js';
import type { RpcContext } from './rpc-context.js';

/** How a typed client may call a route: only `request` (the result matters) or only `call` (a notification). */
export type RpcCallMode = 'request' | 'notify';

/** The key under which a {@link Route} keeps its {@link RouteSpec}. */
export const ROUTE_SPEC: unique symbol = Symbol.for('keel.rpc.route');

/** What {@link route} declared about a handler. */
export interface RouteSpec<I = unknown, M extends RpcCallMode | undefined = RpcCallMode | undefined> {
  /** The params validator, when the route has one. */
  readonly validator: Validator | undefined;
  /** The call mode, when the route is limited to one. */
  readonly only: M;
  /** Type only, never set: the params type callers send (the validator's input type). */
  readonly input?: I;
}

/** Options of {@link route}. */
export interface RouteOptions<M extends RpcCallMode | undefined> {
  /**
   * Limit typed clients to `request` or to `call` (a notification). Type-level only: the server
   * serves the method either way (a kaiju client may still notify it).
   */
  readonly only?: M;
}

/**
 * A route handler made by {@link route}: called like any handler, and carrying its validator and
 * call mode in `[ROUTE_SPEC]`. `I` is what callers send, `P` what the handler receives.
 */
export interface Route<I, P, R, M extends RpcCallMode | undefined = undefined> {
  (params: P, context: RpcContext): R;
  readonly [ROUTE_SPEC]: RouteSpec<I, M>;
}

/**
 * Declares a route with its params validator, once: the handler's params type is the validator's
 * output type, a typed client's params type its input type ({@link ApiOf}), and the server checks
 * every call with it (invalid params: `-32602` with the issues' paths).
 *
 * ```ts
 * get routes() {
 *   return {
 *     place: route(typia.createValidate<PlaceOrder>(), (order) => this.place(order)),
 *     get: route(z.object({ id: z.uuid() }), ({ id }) => this.get(id), { only: 'request' }),
 *     status: () => this.status(), // a plain handler is still a route
 *   };
 * }
 * ```
 *
 * The handler is called with `this` bound to the service, so `route(validator, this.place)` works.
 * A route made with a validator may not also have one in the service's `validators`.
 *
 * @param validator a typia validate function (`typia.createValidate<T>()`) or any Standard Schema
 *   (zod, valibot, arktype…); it must validate synchronously.
 */
export function route<V extends Validator, R, M extends RpcCallMode | undefined = undefined>(
  validator: V,
  handler: (params: ValidatorOutput<V>, context: RpcContext) => R,
  options?: RouteOptions<M>,
): Route<ValidatorInput<V>, ValidatorOutput<V>, R, M>;
/** A route without a validator, limited to one call mode. */
export function route<P, R, M extends RpcCallMode | undefined = undefined>(
  handler: (params: P, context: RpcContext) => R,
  options?: RouteOptions<M>,
): Route<P, P, R, M>;
export function route(...args: readonly unknown[]): Route<unknown, never, unknown, RpcCallMode | undefined> {
  const validated = typeof args[1] === 'function';
  const validator = validated ? args[0] : undefined;
  const handler = validated ? args[1] : args[0];
  const options = (validated ? args[2] : args[1]) as RouteOptions<RpcCallMode | undefined> | undefined;
  if (typeof handler !== 'function') throw routeArgumentError('the handler must be a function');
  if (validator !== undefined && !isValidator(validator))
    throw routeArgumentError('the validator must be a typia validate function or a Standard Schema');
  const only: unknown = options?.only;
  if (only !== undefined && only !== 'request' && only !== 'notify')
    throw routeArgumentError(`only must be "request" or "notify", not ${JSON.stringify(only)}`);
  const call = handler as (this: unknown, params: never, context: RpcContext) => unknown;
  const wrapped = function (this: unknown, params: never, context: RpcContext): unknown {
    return call.call(this, params, context);
  };
  const spec: RouteSpec = Object.freeze({ validator, only });
  return Object.defineProperty(wrapped, ROUTE_SPEC, { value: spec }) as unknown as Route<
    unknown,
    never,
    unknown,
    RpcCallMode | undefined
  >;
}

/** The {@link RouteSpec} of a handler made by {@link route}, if it is one. */
export function routeSpecOf(handler: unknown): RouteSpec | undefined {
  if (typeof handler !== 'function') return undefined;
  const spec = (handler as Partial<Route<unknown, never, unknown>>)[ROUTE_SPEC];
  return typeof spec === 'object' ? spec : undefined;
}

function routeArgumentError(message: string): KeelError {
  return new KeelError('RPC_ROUTE_INVALID', `route(): ${message}`);
}
