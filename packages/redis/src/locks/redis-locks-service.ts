// RedisLocksService: distributed locks in Redis with fencing tokens (the service and its public methods).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Service, dependency } from '@keel/core';
import { groupBySlot } from '../cache/group-by-slot.js';
import { defineLuaScripts, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import { LockAbortedError } from './errors/lock-aborted-error.js';
import { LockExistsError } from './errors/lock-exists-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import { LocksClosedError } from './errors/locks-closed-error.js';
import type { AcquireOptions, Lock, LockedFunction, LockKeys } from './lock.js';
import {
  checkLockIdentifier,
  checkLockKey,
  checkLockKeys,
  checkLockTimeout,
  checkLockTtl,
  isLock,
  lockTargetOf,
} from './lock-arguments.js';
import {
  acquireRequestOf,
  attemptLock,
  attemptReplicatedLock,
  lockOf,
  type AcquireRequest,
  type Attempt,
} from './lock-attempt.js';
import { releaseLock, renewLock, renewReplicatedLock } from './lock-owner-commands.js';
import { lockScripts, mexistsScript } from './lock-scripts.js';
import { LockWaits } from './lock-waits.js';
import { traceLocks } from './locks-tracing.js';
import { LockedRuns } from './locked-runs.js';
import { LocksPrometheus } from './locks-prometheus.js';
import { NotLockOwnerError } from './errors/not-lock-owner-error.js';
import { ReleaseNotifier } from './release-notifier.js';
import { redisLocksSettings, type RedisLocksSettings } from './redis-locks-settings.js';
import { replicaRequirement, ReplicaWaiter } from './wait-for-replicas.js';

/** How long `close` waits for the releases of ended `withLock` calls, in ms. */
const CLOSE_RELEASE_MS = 2000;

const transportDependency = dependency(RedisTransportService, { setting: 'transport' });

/**
 * Distributed locks in Redis with fencing tokens.
 *
 * `acquire` locks one key, or several all-or-nothing, in one Lua script, and returns a
 * {@link Lock} whose `token` grows with every acquisition of a key. Expiry runs on the Redis
 * server's clock. A waiting `acquire` sleeps until a release is announced on the key's pub/sub
 * channel (one subscriber connection per service), with a jittered fallback retry that also
 * covers expiry. `withLock` renews in the background and aborts the function's signal when the
 * lock is lost. Keys are used as given: pass namespaced keys (`app.namespace.key('lock', id)`).
 *
 * These are single-instance Redis locks (a cluster is one instance per slot), not Redlock: a
 * failover that loses a write can hand a lock out twice. Fencing tokens are what keep the
 * protected resource safe in that case.
 */
export class RedisLocksService extends Service<RedisLocksSettings> {
  static override settingsSpec = redisLocksSettings;
  static override dependencies = [transportDependency];

  #client: RedisClient | undefined;
  #cluster = false;
  #notifier: ReleaseNotifier | undefined;
  #replicaWaiter: ReplicaWaiter | undefined;
  #closed = false;
  /** The notifier, if one was made (without making one). */
  readonly #currentNotifier = (): ReleaseNotifier | undefined => this.#notifier;
  readonly #metrics = new LocksPrometheus(this.metricsSink);
  readonly #waits = new LockWaits({
    notifier: () => this.#notifierOf(),
    attempt: (client, request) => this.#attempt(client, request),
    release: (client, keys, owner) => this.#release(client, keys, owner),
    retryMinMs: this.settings.retryMinMs,
    retryMaxMs: this.settings.retryMaxMs,
    logger: this.logger,
  });
  readonly #runs = new LockedRuns({
    renew: (lock, ttl) => this.renew(lock, ttl),
    release: (client, lock) => this.#release(client, lock.keys, lock.identifier),
    onLost: () => {
      this.#metrics.lost();
    },
    logger: this.logger,
  });

  /** The transport service this one uses. */
  get transport(): RedisTransportService {
    return this.use(transportDependency);
  }

  override init(): Promise<void> {
    this.#closed = false;
    if (this.settings.tracing) traceLocks(this);
    this.#setup();
    return Promise.resolve();
  }

  /**
   * Acquires a lock on `keys` (one key, or several all-or-nothing; in a cluster several keys
   * must share a hash slot, else {@link LockKeysCrossSlotError} is thrown before any command).
   *
   * A held lock is waited for (up to `timeout`, then `LockTimeoutError`), or with
   * `wait: false` refused at once with `LockExistsError`. Locks are not reentrant: a key held
   * by the same identifier is held. `signal` aborts the wait with `LockAbortedError`.
   */
  acquire(keys: LockKeys, options: AcquireOptions = {}): Promise<Lock> {
    return this.#metrics.acquisition(this.#acquire(keys, options), performance.now());
  }

  async #acquire(keys: LockKeys, options: AcquireOptions): Promise<Lock> {
    const client = this.#open();
    const lockKeys = checkLockKeys(keys, this.#cluster);
    const identifier = checkLockIdentifier(options.identifier ?? `${this.app.id}:${randomUUID()}`);
    const ttl = checkLockTtl(options.ttl, this.settings.defaultTtlMs);
    const timeout =
      options.wait === false ? 0 : checkLockTimeout(options.timeout, this.settings.waitTimeoutMs);
    const signal = options.signal;
    if (signal?.aborted === true) throw new LockAbortedError(lockKeys, signal.reason);
    const replicas = replicaRequirement(options.replicas, options.replicasTimeout, this.settings);
    const request = acquireRequestOf(lockKeys, identifier, ttl, replicas);
    const snapshot = options.wait === false ? undefined : this.#notifier?.snapshot(lockKeys);
    const first = await this.#attempt(client, request);
    if (first.acquired) return lockOf(request, first);
    if (options.wait === false) throw new LockExistsError(lockKeys, lockKeys[first.index] ?? '');
    if (timeout === 0) throw new LockTimeoutError(lockKeys, 0);
    return this.#waits.acquire(client, request, first, snapshot, timeout, signal);
  }

  /**
   * Releases a lock held by `identifier` and wakes its waiters. Throws
   * {@link NotLockOwnerError} (listing the keys) when `identifier` does not hold some of the keys;
   * the keys it does hold are released all the same.
   */
  release(lock: Lock): Promise<void>;
  release(keys: LockKeys, identifier: string): Promise<void>;
  async release(target: LockKeys | Lock, identifier?: string): Promise<void> {
    const client = this.#open();
    const [keys, owner] = lockTargetOf(target, identifier, this.#cluster);
    await this.#release(client, keys, owner).catch((error: unknown) => {
      if (error instanceof NotLockOwnerError) this.#metrics.lost();
      throw error;
    });
  }

  /**
   * Sets the time to live of a lock held by `identifier` to `ttl` ms (default: the
   * `defaultTtlMs` setting) from now, and resolves with the new `expiresAt` (see
   * {@link Lock.expiresAt}). All-or-nothing: when `identifier` does not hold every key,
   * nothing changes and {@link NotLockOwnerError} is thrown.
   */
  renew(lock: Lock, ttl?: number): Promise<number>;
  renew(keys: LockKeys, identifier: string, ttl?: number): Promise<number>;
  async renew(
    target: LockKeys | Lock,
    identifierOrTtl?: string | number,
    ttlArgument?: number,
  ): Promise<number> {
    const client = this.#open();
    const isLockTarget = isLock(target);
    const [keys, owner] = lockTargetOf(
      target,
      isLockTarget ? undefined : typeof identifierOrTtl === 'string' ? identifierOrTtl : undefined,
      this.#cluster,
    );
    const ttl = checkLockTtl(
      isLockTarget && typeof identifierOrTtl === 'number' ? identifierOrTtl : ttlArgument,
      this.settings.defaultTtlMs,
    );
    const replicas = replicaRequirement(isLockTarget ? target.replicas : undefined, undefined, this.settings);
    const expiresAt = await (replicas.replicas > 0
      ? renewReplicatedLock(this.#replicas(), keys, owner, ttl, replicas)
      : renewLock(client, keys, owner, ttl));
    this.#metrics.renewed(keys, owner, expiresAt);
    return expiresAt;
  }

  /** The identifier holding `key`, or `null` when it is not locked. */
  async owner(key: string): Promise<string | null> {
    const client = this.#open();
    return client.get(checkLockKey(key));
  }

  /** True when `identifier` holds `key`. */
  async isOwner(key: string, identifier: string): Promise<boolean> {
    return (await this.owner(key)) === identifier;
  }

  /** True when `key` is locked (by anyone). */
  async exists(key: string): Promise<boolean> {
    const client = this.#open();
    return (await client.exists(checkLockKey(key))) === 1;
  }

  /**
   * The keys of `keys` that are locked, in one round trip per hash slot (one in all in
   * standalone mode).
   */
  async mExists(keys: Iterable<string>): Promise<Set<string>> {
    const client = this.#open();
    const unique = [...new Set(keys)].map(checkLockKey);
    const groups = groupBySlot(unique, this.#cluster).map((group) => group.keys);
    const replies = await Promise.all(groups.map((group) => runLuaScript(client, mexistsScript, group, [])));
    const found = new Set<string>();
    groups.forEach((group, groupIndex) => {
      const flags = replies[groupIndex] as number[];
      group.forEach((key, index) => {
        if (flags[index] === 1) found.add(key);
      });
    });
    return found;
  }

  /**
   * Waits until `key` is not locked: resolves `true` as soon as the key is seen missing or its
   * release is announced, `false` when `timeout` ms (default: the `waitTimeoutMs` setting)
   * passed first. It does not lock the key: someone else may take it right after.
   * `signal` aborts the wait with `LockAbortedError`.
   */
  async wait(key: string, timeout?: number, signal?: AbortSignal): Promise<boolean> {
    const client = this.#open();
    const lockKey = checkLockKey(key);
    const timeoutMs = checkLockTimeout(timeout, this.settings.waitTimeoutMs);
    if (signal?.aborted === true) throw new LockAbortedError([lockKey], signal.reason);
    if ((await client.pttl(lockKey)) === -2) return true;
    return this.#waits.untilFree(client, lockKey, timeoutMs, signal);
  }

  /**
   * Runs `fn` under a lock on `keys` (acquired with `options`, as {@link acquire}) and releases
   * it afterwards. While `fn` runs the lock is renewed every `ttl / 3` ms. If the lock is lost
   * (a renewal finds it expired or taken, or no renewal succeeds within the ttl), `fn`'s signal
   * is aborted with a {@link LockLostError} and `withLock` rejects with it at once — `fn` keeps
   * running unless it honours the signal, and its outcome is then ignored. A lock found lost by
   * the final release also rejects with `LockLostError`.
   */
  async withLock<T>(keys: LockKeys, fn: LockedFunction<T>, options: AcquireOptions = {}): Promise<T> {
    const client = this.#open();
    const lock = await this.acquire(keys, options);
    const ttl = checkLockTtl(options.ttl, this.settings.defaultTtlMs);
    return this.#runs.run(client, lock, ttl, fn, options.signal);
  }

  /**
   * Stops the subscriber, rejects pending `acquire`/`wait` calls with `LocksClosedError`,
   * aborts running `withLock` functions with it and releases their locks (waiting at most 2 s
   * for the releases: an unreachable Redis lets them expire at their ttl instead).
   */
  override async close(): Promise<void> {
    this.#closed = true;
    const error = new LocksClosedError(this.name);
    this.#waits.stopAll(error);
    this.#runs.endAll(error);
    // Let the withLock calls ended above reach their release.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!(await this.#runs.settled(CLOSE_RELEASE_MS))) {
      this.logger.warn(
        'lock releases did not finish while closing (Redis unreachable?); the locks expire at their ttl',
      );
    }
    const notifier = this.#notifier;
    this.#notifier = undefined;
    await notifier?.close();
    await this.#replicaWaiter?.close();
    this.#replicaWaiter = undefined;
  }

  /** One acquire attempt; with replicas required, the script is followed by `WAIT`. */
  #attempt(client: RedisClient, request: AcquireRequest): Promise<Attempt> {
    if (request.replicas.replicas === 0) return attemptLock(client, request);
    return attemptReplicatedLock(this.#replicas(), request, () =>
      this.#release(client, request.keys, request.identifier),
    );
  }

  #release(client: RedisClient, keys: readonly string[], owner: string): Promise<void> {
    this.#metrics.released(keys, owner);
    return releaseLock(client, keys, owner, this.settings.channelPrefix, this.#currentNotifier);
  }

  /** The client, after checking the service is open (set up lazily without `init`). */
  #open(): RedisClient {
    if (this.#closed) throw new LocksClosedError(this.name);
    return this.#client ?? this.#setup();
  }

  #setup(): RedisClient {
    const transport = this.transport;
    requireWritableTransport(transport, `RedisLocksService "${this.name}"`);
    const client = transport.client;
    defineLuaScripts(client, lockScripts);
    this.#client = client;
    this.#cluster = transport.isCluster;
    return client;
  }

  /** The connection of acquisitions and renewals that wait for replicas (opened on first use). */
  #replicas(): ReplicaWaiter {
    this.#replicaWaiter ??= new ReplicaWaiter(() => this.transport.duplicate(), lockScripts);
    return this.#replicaWaiter;
  }

  #notifierOf(): ReleaseNotifier {
    this.#notifier ??= new ReleaseNotifier({
      prefix: this.settings.channelPrefix,
      connect: () => this.transport.duplicate(),
      logger: this.logger,
    });
    return this.#notifier;
  }
}
