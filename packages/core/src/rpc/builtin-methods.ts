import type { MethodTable, RpcMethod } from './method-table.js';
import type { RpcApiEntry, RpcServerStats } from './rpc-stats.js';
import { Scope } from './scope.js';

/** What the built-in methods read from their server. */
export interface BuiltinHost {
  readonly methods: MethodTable;
  readonly stats: RpcServerStats;
}

/**
 * The built-in methods: `rpc.api` (GUEST and up) lists the methods the caller's scope may call;
 * `rpc.status` (USER and up) returns the server's counters.
 */
export function builtinMethods(host: BuiltinHost): RpcMethod[] {
  return [
    {
      name: 'rpc.api',
      scope: Scope.GUEST,
      invoke: (_params, context): RpcApiEntry[] =>
        host.methods.visibleTo(context.scope).map((method) => ({
          method: method.name,
          validated: method.validator !== undefined,
        })),
    },
    {
      name: 'rpc.status',
      scope: Scope.USER,
      invoke: (): RpcServerStats => host.stats,
    },
  ];
}
