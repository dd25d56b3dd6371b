import type { ValidateFunction, Validator } from '../validation/validator.js';
import type { RpcContext } from './rpc-context.js';
import type { Scope } from './scope.js';

/**
 * A route handler. It is called with `this` bound to its service, the call's params (an object
 * or an array; `{}` when the call had none) and the {@link RpcContext}; its return value (awaited)
 * is the result (`undefined` becomes `null`).
 */
export type RpcHandler = (params: never, context: RpcContext) => unknown;

/** Checks a route's params in typia's result shape (what the server runs; see {@link toValidateFunction}). */
export type RpcValidator = ValidateFunction;

/**
 * A service that exposes methods to the JSON-RPC server. Each route becomes the method
 * `<service name>.<route>`. Declare validated routes with {@link route} to give typed clients
 * their types ({@link ApiOf}).
 *
 * ```ts
 * class ExtService extends Service implements RpcService {
 *   get routes() { return { do_something: this.doSomething }; }
 *   get permissions() { return { '*': Scope.USER }; }
 *   get validators() { return { do_something: typia.createValidate<{ value: number }>() }; }
 *   async doSomething({ value }: { value: number }) { return value * 2; }
 * }
 * ```
 */
export interface RpcService {
  /** Route name → handler. Read once, when the server builds its method table. */
  readonly routes: Readonly<Record<string, RpcHandler>>;
  /**
   * Route-name glob (`*` any characters, `?` one) → the least privileged scope allowed to call.
   * The most specific pattern wins (see docs/rpc.md); a route no pattern matches needs SYSTEM.
   */
  readonly permissions?: Readonly<Record<string, Scope>>;
  /**
   * Route name → params validator: `typia.createValidate<Params>()` or any Standard Schema (zod,
   * valibot, arktype…). Routes without one (and not made by `route(validator, handler)`) accept
   * any object or array.
   */
  readonly validators?: Readonly<Record<string, Validator>>;
}

/** kaiju's name for {@link RpcService}. */
export type PublicInterface = RpcService;

/** True when `service` exposes a `routes` object. */
export function isRpcService(service: object): service is RpcService {
  if (!('routes' in service)) return false;
  const { routes } = service;
  return typeof routes === 'object' && routes !== null;
}
