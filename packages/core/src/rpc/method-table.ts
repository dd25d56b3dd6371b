import { KeelError } from '../errors/keel-error.js';
import type { Service } from '../services/service.js';
import { createPermissionResolver } from './permissions.js';
import type { RpcContext } from './rpc-context.js';
import { routeSpecOf } from './rpc-route.js';
import { isRpcService, type RpcService, type RpcValidator } from './rpc-service.js';
import { type Scope, scopeAllows } from './scope.js';
import { isValidator, toValidateFunction } from '../validation/validator.js';

/** One callable method. */
export interface RpcMethod {
  /** `service.route` (or `rpc.*` for built-ins). */
  readonly name: string;
  /** The least privileged scope allowed to call it. */
  readonly scope: Scope;
  /** Checks the params (a typia function, or a Standard Schema adapted to one); on success its `data` is what the handler gets. */
  readonly validator?: RpcValidator;
  /** Runs the handler with `this` bound to its service. */
  readonly invoke: (params: unknown, context: RpcContext) => unknown;
}

type BoundHandler = (this: unknown, params: unknown, context: RpcContext) => unknown;

/** The server's methods by name. */
export class MethodTable {
  readonly #methods = new Map<string, RpcMethod>();

  /** Adds a method; throws `RPC_METHOD_CONFLICT` when the name is taken. */
  add(method: RpcMethod): void {
    if (this.#methods.has(method.name)) {
      throw new KeelError('RPC_METHOD_CONFLICT', `Two RPC methods are named "${method.name}"`, {
        details: { method: method.name },
      });
    }
    this.#methods.set(method.name, method);
  }

  /** The method with this name, if any (scope is not checked). */
  get(name: string): RpcMethod | undefined {
    return this.#methods.get(name);
  }

  /** The method if it exists and `scope` may call it. */
  find(name: string, scope: Scope): RpcMethod | undefined {
    const method = this.#methods.get(name);
    return method !== undefined && scopeAllows(scope, method.scope) ? method : undefined;
  }

  /** Methods `scope` may call, sorted by name. */
  visibleTo(scope: Scope): RpcMethod[] {
    return [...this.#methods.values()]
      .filter((method) => scopeAllows(scope, method.scope))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get size(): number {
    return this.#methods.size;
  }

  /**
   * Collects the routes of every service exposing `routes` (see {@link RpcService}). Throws
   * `RPC_ROUTE_INVALID` for a route that is not a function, a validator that is not one (or for an
   * unknown route, or given both by `route()` and `validators`), or a
   * `routes`/`permissions`/`validators` getter that throws.
   */
  static fromServices(services: readonly Service[]): MethodTable {
    const table = new MethodTable();
    for (const service of services) {
      const exposed = readExposed(service);
      if (exposed === undefined) continue;
      const permissionOf = createPermissionResolver(exposed.permissions, service.name);
      const validators: Readonly<Record<string, unknown>> = exposed.validators ?? {};
      for (const route of Object.keys(validators)) {
        if (!Object.hasOwn(exposed.routes, route))
          throw routeError(service.name, `has a validator for unknown route "${route}"`);
      }
      for (const [route, handler] of Object.entries(exposed.routes)) {
        if (typeof handler !== 'function')
          throw routeError(service.name, `route "${route}" is not a function`);
        const validator = routeValidator(service.name, route, handler, validators);
        const bound = handler as BoundHandler;
        table.add({
          name: `${service.name}.${route}`,
          scope: permissionOf(route),
          ...(validator === undefined ? {} : { validator }),
          invoke: (params, context) => bound.call(service, params, context),
        });
      }
    }
    return table;
  }
}

/** The validator of a route, from `route()` or `validators`, as one typia-shaped function. */
function routeValidator(
  service: string,
  route: string,
  handler: unknown,
  validators: Readonly<Record<string, unknown>>,
): RpcValidator | undefined {
  const declared = routeSpecOf(handler)?.validator;
  const listed = Object.hasOwn(validators, route) ? validators[route] : undefined;
  if (declared !== undefined && listed !== undefined)
    throw routeError(service, `route "${route}" has a validator in route() and in validators`);
  const validator = declared ?? listed;
  if (validator === undefined) return undefined;
  if (!isValidator(validator)) {
    throw routeError(
      service,
      `validator of route "${route}" is neither a function (typia) nor a Standard Schema`,
    );
  }
  try {
    return toValidateFunction(validator);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw routeError(service, `validator of route "${route}" cannot be used: ${reason}`, error);
  }
}

/** Reads the three getters once; a getter that throws fails the build. */
function readExposed(service: Service): RpcService | undefined {
  try {
    if (!isRpcService(service)) return undefined;
    const { routes, permissions, validators } = service;
    return {
      routes,
      ...(permissions === undefined ? {} : { permissions }),
      ...(validators === undefined ? {} : { validators }),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw routeError(service.name, `could not read its routes: ${reason}`, error);
  }
}

function routeError(service: string, message: string, cause?: unknown): KeelError {
  return new KeelError('RPC_ROUTE_INVALID', `Service "${service}" ${message}`, {
    cause,
    details: { service },
  });
}
