/** Counters of a {@link JSONRPCServer}, as returned by `server.stats` and `rpc.status`. */
export interface RpcServerStats {
  /** Calls answered or finished since start (successes and failures, notifications included). */
  readonly processed: number;
  /** Calls that ended with an error (invalid requests included). */
  readonly failed: number;
  /** Handlers running now (each holds one of `maxParallelTasks` slots). */
  readonly inFlight: number;
  /** Calls waiting for a slot. */
  readonly queued: number;
}

/** One entry of `rpc.api`. */
export interface RpcApiEntry {
  /** The method name. */
  readonly method: string;
  /** True when the method checks its params with a validator. */
  readonly validated: boolean;
}
