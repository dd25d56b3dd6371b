import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Settings of {@link RedisLocksService}. */
export interface RedisLocksSettings {
  /** Name of the `RedisTransportService` to use; unset: the only one. */
  transport?: string;
  /**
   * Time to live of a lock in ms when `acquire` is given no `ttl`. A lock that is neither
   * released nor renewed expires after it (the Redis server's clock).
   * @default 30000
   */
  defaultTtlMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * How long `acquire` (with `wait: true`) and `wait` wait for a held lock when given no
   * `timeout`, in ms. `0`: a single attempt.
   * @default 10000
   */
  waitTimeoutMs: number & tags.Type<'uint32'>;
  /**
   * Shortest delay in ms of the fallback retry of a waiting `acquire`. Waiters are woken by
   * release notifications; the fallback (a random delay between `retryMinMs` and `retryMaxMs`,
   * or sooner when the lock expires) covers expiry and lost notifications.
   * @default 50
   */
  retryMinMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Longest delay in ms of the fallback retry (raised to `retryMinMs` when smaller).
   * @default 200
   */
  retryMaxMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Prefix of the pub/sub channel that announces the release of a lock (`<prefix><key>`). Every
   * app that locks the same keys must use the same prefix.
   * @default "keel.locks.released:"
   */
  channelPrefix: string & tags.MinLength<1>;
  /**
   * Replicas that must confirm an acquisition (and a renewal) before it counts, when `acquire`
   * is given no `replicas`: `WAIT <replicas> <replicasTimeoutMs>` runs right after the lock
   * script, on a connection of its own. `0`: no wait (the lock may be lost in a failover; see
   * docs/locks.md).
   * @default 0
   */
  replicas: number & tags.Type<'uint32'>;
  /**
   * How long `WAIT` may wait for the replicas, in ms; fewer confirmations by then fail the
   * acquisition with `LockNotReplicatedError` (after releasing the lock again).
   * @default 1000
   */
  replicasTimeoutMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Makes an OpenTelemetry span per method call (`lock.acquire`, …; see docs/observability.md).
   * Off by default: locks are a hot path, and with it off no tracer is even asked.
   * @default false
   */
  tracing: boolean;
}

/** Settings declaration of {@link RedisLocksService}. */
export const redisLocksSettings: SettingsSpec<RedisLocksSettings> = defineSettings<RedisLocksSettings>({
  validate: typia.createValidateEquals<Partial<RedisLocksSettings>>(),
  keys: typia.misc.literals<keyof RedisLocksSettings>(),
  defaults: {
    defaultTtlMs: 30_000,
    waitTimeoutMs: 10_000,
    retryMinMs: 50,
    retryMaxMs: 200,
    channelPrefix: 'keel.locks.released:',
    replicas: 0,
    replicasTimeoutMs: 1000,
    tracing: false,
  },
});
