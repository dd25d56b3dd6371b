import typia from 'typia';
import { defineSettings, type SettingsSpec } from '../settings/settings-spec.js';

/** Settings of the {@link JSONRPCServer} service. */
export interface JsonRpcServerSettings {
  /**
   * How many handlers may run at once. Further calls wait in a FIFO queue. A handler that
   * ignores its timeout keeps its slot until it really returns.
   * @default 128
   */
  maxParallelTasks: number & typia.tags.Type<'uint32'> & typia.tags.Minimum<1>;
  /**
   * How many calls may wait for a slot; beyond that a call is refused at once with -32005
   * "Server busy".
   * @default 10000
   */
  maxQueuedRequests: number & typia.tags.Type<'uint32'>;
  /**
   * Time budget of a call without a `Timeout` header, in ms: queueing plus running.
   * @default 30000
   */
  defaultRequestTimeMs: number &
    typia.tags.Type<'uint32'> &
    typia.tags.Minimum<1> &
    typia.tags.Maximum<2147483647>;
  /**
   * Upper bound of a call's time budget in ms (at most 2^31 - 1, Node's timer limit); a larger
   * `Timeout` header is clamped to it.
   * @default 300000
   */
  maxRequestTimeMs: number &
    typia.tags.Type<'uint32'> &
    typia.tags.Minimum<1> &
    typia.tags.Maximum<2147483647>;
  /**
   * Serve the built-in methods `rpc.api` and `rpc.status`.
   * @default true
   */
  enableBuiltins: boolean;
  /**
   * How long `close()` waits for running and queued calls before aborting them, in ms.
   * @default 5000
   */
  closeTimeoutMs: number & typia.tags.Type<'uint32'>;
}

export const jsonRpcServerSettings: SettingsSpec<JsonRpcServerSettings> =
  defineSettings<JsonRpcServerSettings>({
    validate: typia.createValidateEquals<Partial<JsonRpcServerSettings>>(),
    keys: typia.misc.literals<keyof JsonRpcServerSettings>(),
    defaults: {
      maxParallelTasks: 128,
      maxQueuedRequests: 10_000,
      defaultRequestTimeMs: 30_000,
      maxRequestTimeMs: 300_000,
      enableBuiltins: true,
      closeTimeoutMs: 5_000,
    },
  });
