// Lock, LockKeys, AcquireOptions, LockedFunction: the public types of RedisLocksService.
/** Keys as given to a method: one key or several. */
export type LockKeys = string | readonly string[];

/** A lock held in Redis, as returned by `RedisLocksService.acquire`. */
export interface Lock {
  /** The locked keys (without duplicates), as given. */
  readonly keys: readonly string[];
  /** The owner: the value stored in every lock key; release and renew need it. */
  readonly identifier: string;
  /**
   * Fencing token: greater than every token handed out earlier for any of the keys. Pass it
   * to the resource you protect and have it reject writes with a smaller token than it has seen.
   */
  readonly token: number;
  /**
   * Until when the lock is held at least, unless released: ms since the epoch on this
   * process's clock (`Date.now()` when the request was sent, plus the ttl). Redis counts the
   * ttl down on its own clock from when it ran the script, which is later, so the lock never
   * expires before this.
   */
  readonly expiresAt: number;
  /** Replicas that had to confirm it (`WAIT`) before it was handed out; its renewals wait for as many. */
  readonly replicas: number;
}

/** Options of `RedisLocksService.acquire` and `withLock`. */
export interface AcquireOptions {
  /** The owner's identifier; default: `<app id>:<random UUID>`. */
  readonly identifier?: string | undefined;
  /** Time to live in ms; default: the `defaultTtlMs` setting. */
  readonly ttl?: number | undefined;
  /**
   * `true` (default): wait for a held lock, up to `timeout`, then fail with `LockTimeoutError`.
   * `false`: fail at once with `LockExistsError`.
   */
  readonly wait?: boolean | undefined;
  /** How long to wait in ms; default: the `waitTimeoutMs` setting. `Infinity`: no limit. */
  readonly timeout?: number | undefined;
  /**
   * Replicas that must have the lock before it is handed out (`WAIT` after the lock script;
   * renewals by `withLock` wait for as many). Fewer within `replicasTimeout`: the lock is
   * released again and `LockNotReplicatedError` thrown. Default: the `replicas` setting (0).
   */
  readonly replicas?: number | undefined;
  /** Bound on that wait in ms; default: the `replicasTimeoutMs` setting. */
  readonly replicasTimeout?: number | undefined;
  /**
   * Aborts the wait (`LockAbortedError`). With `withLock`, aborting it while the function
   * runs aborts the function's signal with the same reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/** The function run by `withLock`: it gets an AbortSignal that fires if the lock is lost. */
export type LockedFunction<T> = (signal: AbortSignal, lock: Lock) => Promise<T> | T;
