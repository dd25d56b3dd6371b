import { randomUUID } from 'node:crypto';
import { Service, dependency } from '@keel/core';
import { defineLuaScripts, runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { RedisTransportService } from '../transport/redis-transport-service.js';
import { requireWritableTransport } from '../transport/require-writable.js';
import { settlesWithin } from '../util/within.js';
import { LockAbortedError } from './errors/lock-aborted-error.js';
import { LockArgumentError } from './errors/lock-argument-error.js';
import { LockExistsError } from './errors/lock-exists-error.js';
import { LockKeysCrossSlotError } from './errors/lock-keys-cross-slot-error.js';
import { LockLostError } from './errors/lock-lost-error.js';
import { LockTimeoutError } from './errors/lock-timeout-error.js';
import { LocksClosedError } from './errors/locks-closed-error.js';
import { NotLockOwnerError } from './errors/not-lock-owner-error.js';
import { fenceKeyOf } from './fence-key.js';
import { keySlot } from '../cluster/key-slot.js';
import type { AcquireOptions, Lock, LockedFunction } from './lock.js';
import { LockKeeper } from './lock-keeper.js';
import { acquireScript, lockScripts, mexistsScript, releaseScript, renewScript } from './lock-scripts.js';
import { LockWaiter } from './lock-waiter.js';
import { ReleaseNotifier, type ReleaseSnapshot } from './release-notifier.js';
import { replicaRequirement, ReplicaWaiter, type ReplicaRequirement } from './wait-for-replicas.js';
import { redisLocksSettings, type RedisLocksSettings } from './redis-locks-settings.js';

/** How long `close` waits for the releases of ended `withLock` calls, in ms. */
const CLOSE_RELEASE_MS = 2000;

const transportDependency = dependency(RedisTransportService, { setting: 'transport' });

/**
 * One acquire attempt's outcome: `token` and `sentAt` (this process's `Date.now()` before the
 * script was sent) when acquired, else the 0-based `index` of the held key and its `pttl`. (One
 * object shape for both, so hot code stays monomorphic.)
 */
interface Attempt {
  readonly acquired: boolean;
  readonly token: number;
  readonly sentAt: number;
  readonly index: number;
  readonly pttl: number;
}

/** What one `acquire` call tries to lock. */
interface AcquireRequest {
  readonly keys: readonly string[];
  /** The lock keys, then their fence-counter keys. */
  readonly scriptKeys: readonly string[];
  readonly identifier: string;
  readonly ttl: number;
  readonly replicas: ReplicaRequirement;
}

/** Keys as given to a method: one key or several. */
export type LockKeys = string | readonly string[];

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
  readonly #waiters = new Set<LockWaiter>();
  readonly #keepers = new Set<LockKeeper>();
  /** Releases started by `withLock` that `close` waits for. */
  readonly #releasing = new Set<Promise<unknown>>();

  /** The transport service this one uses. */
  get transport(): RedisTransportService {
    return this.use(transportDependency);
  }

  override init(): Promise<void> {
    this.#closed = false;
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
  async acquire(keys: LockKeys, options: AcquireOptions = {}): Promise<Lock> {
    const client = this.#open();
    const lockKeys = this.#keys(keys);
    const identifier = options.identifier ?? `${this.app.id}:${randomUUID()}`;
    if (typeof identifier !== 'string' || identifier === '') {
      throw new LockArgumentError('A lock identifier must be a non-empty string', { identifier });
    }
    const ttl = this.#ttl(options.ttl);
    const timeout = options.wait === false ? 0 : this.#timeout(options.timeout);
    const signal = options.signal;
    if (signal?.aborted === true) throw new LockAbortedError(lockKeys, signal.reason);
    const scriptKeys =
      lockKeys.length === 1
        ? [lockKeys[0] ?? '', fenceKeyOf(lockKeys[0] ?? '')]
        : [...lockKeys, ...lockKeys.map(fenceKeyOf)];
    const replicas = replicaRequirement(options.replicas, options.replicasTimeout, this.settings);
    const request: AcquireRequest = { keys: lockKeys, scriptKeys, identifier, ttl, replicas };
    const snapshot = options.wait === false ? undefined : this.#notifier?.snapshot(lockKeys);
    const first = await this.#attempt(client, request);
    if (first.acquired) return lockOf(request, first);
    if (options.wait === false) throw new LockExistsError(lockKeys, lockKeys[first.index] ?? '');
    if (timeout === 0) throw new LockTimeoutError(lockKeys, 0);
    return this.#waitToAcquire(client, request, first, snapshot, timeout, signal);
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
    const [keys, owner] = this.#target(target, identifier);
    await this.#release(client, keys, owner);
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
    const [keys, owner] = this.#target(
      target,
      isLockTarget ? undefined : typeof identifierOrTtl === 'string' ? identifierOrTtl : undefined,
    );
    const ttl = this.#ttl(
      isLockTarget && typeof identifierOrTtl === 'number' ? identifierOrTtl : ttlArgument,
    );
    const sentAt = Date.now();
    const replicas = replicaRequirement(isLockTarget ? target.replicas : undefined, undefined, this.settings);
    const notHeld = (
      replicas.replicas > 0
        ? await this.#replicas().confirmed(
            'renew',
            renewScript,
            keys,
            keys,
            [owner, ttl],
            replicas,
            (r) => r === 0,
          )
        : await runLuaScript(client, renewScript, keys, [owner, ttl])
    ) as number;
    if (notHeld !== 0) throw new NotLockOwnerError(pick(keys, [notHeld]), owner, 'renew');
    return sentAt + ttl;
  }

  /** The identifier holding `key`, or `null` when it is not locked. */
  async owner(key: string): Promise<string | null> {
    const client = this.#open();
    return client.get(this.#key(key));
  }

  /** True when `identifier` holds `key`. */
  async isOwner(key: string, identifier: string): Promise<boolean> {
    return (await this.owner(key)) === identifier;
  }

  /** True when `key` is locked (by anyone). */
  async exists(key: string): Promise<boolean> {
    const client = this.#open();
    return (await client.exists(this.#key(key))) === 1;
  }

  /**
   * The keys of `keys` that are locked, in one round trip per hash slot (one in all in
   * standalone mode).
   */
  async mExists(keys: Iterable<string>): Promise<Set<string>> {
    const client = this.#open();
    const unique = [...new Set(keys)].map((key) => this.#key(key));
    if (unique.length === 0) return new Set();
    const groups = this.#cluster ? groupBySlot(unique) : [unique];
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
    const lockKey = this.#key(key);
    const timeoutMs = this.#timeout(timeout);
    if (signal?.aborted === true) throw new LockAbortedError([lockKey], signal.reason);
    let pttl = await client.pttl(lockKey);
    if (pttl === -2) return true;
    const waiter = this.#waiter(false, [lockKey], timeoutMs, signal);
    const registration = this.#notifierOf().listen([lockKey], waiter);
    try {
      await waiter.race(registration.ready);
      for (;;) {
        waiter.beginAttempt();
        pttl = await waiter.race(client.pttl(lockKey));
        if (pttl === -2 || waiter.notifiedDuringAttempt) return true;
        if (await waiter.sleep(this.#fallbackDelay(pttl))) return true;
      }
    } catch (error) {
      if (error instanceof LockTimeoutError) return false;
      throw error;
    } finally {
      registration.dispose();
      this.#forget(waiter);
    }
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
    const ttl = this.#ttl(options.ttl);
    const keeper = new LockKeeper(
      lock,
      ttl,
      (renewTtl) => this.renew(lock, renewTtl),
      (error) => {
        this.logger.warn({ keys: lock.keys, err: error }, 'lock renewal failed; retrying');
      },
    );
    this.#keepers.add(keeper);
    const signal = options.signal;
    const onAbort = (): void => {
      keeper.abortSignal(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    keeper.start();
    // A synchronous throw becomes a rejection; a rejection after a lost lock is ignored.
    const run = (async () => fn(keeper.signal, lock))();
    run.catch(() => undefined);
    let failed = false;
    try {
      return await Promise.race([run, keeper.ended]);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      keeper.stop();
      signal?.removeEventListener('abort', onAbort);
      this.#keepers.delete(keeper);
      const lost = keeper.endError instanceof LockLostError;
      const releasing = this.#releaseAfter(client, lock, lost || failed);
      this.#releasing.add(releasing);
      const forget = (): void => {
        this.#releasing.delete(releasing);
      };
      // A lost lock rejects at once: its (best-effort, quiet) release may wait on a Redis that
      // cannot be reached, e.g. a cluster client queueing commands until it reconnects.
      if (lost) void releasing.finally(forget);
      else await releasing.finally(forget);
    }
  }

  /**
   * Stops the subscriber, rejects pending `acquire`/`wait` calls with `LocksClosedError`,
   * aborts running `withLock` functions with it and releases their locks (waiting at most 2 s
   * for the releases: an unreachable Redis lets them expire at their ttl instead).
   */
  override async close(): Promise<void> {
    this.#closed = true;
    const error = new LocksClosedError(this.name);
    for (const waiter of [...this.#waiters]) waiter.stop(error);
    for (const keeper of [...this.#keepers]) keeper.end(error);
    // Let the withLock calls ended above reach their release.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!(await settlesWithin(Promise.allSettled([...this.#releasing]), CLOSE_RELEASE_MS))) {
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

  async #release(client: RedisClient, keys: readonly string[], owner: string): Promise<void> {
    const missing = (await runLuaScript(client, releaseScript, keys, [
      owner,
      this.settings.channelPrefix,
    ])) as number[] | null;
    const notifier = this.#notifier;
    if (notifier !== undefined) {
      keys.forEach((key, index) => {
        if (missing?.includes(index + 1) !== true) notifier.releasedLocally(key, owner);
      });
    }
    if (missing !== null && missing.length > 0) {
      throw new NotLockOwnerError(pick(keys, missing), owner, 'release');
    }
  }

  /**
   * Releases a `withLock` lock (also while closing); a lock found lost after `fn` succeeded
   * becomes a `LockLostError`.
   */
  async #releaseAfter(client: RedisClient, lock: Lock, quiet: boolean): Promise<void> {
    try {
      await this.#release(client, lock.keys, lock.identifier);
    } catch (error) {
      if (error instanceof NotLockOwnerError) {
        if (quiet) return;
        throw new LockLostError(
          lock.keys,
          lock.identifier,
          lock.token,
          'it was not held any more at release',
          error,
        );
      }
      this.logger.warn({ keys: lock.keys, err: error }, 'lock release failed; the lock expires at its ttl');
    }
  }

  async #waitToAcquire(
    client: RedisClient,
    request: AcquireRequest,
    first: Attempt,
    snapshot: ReleaseSnapshot | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Lock> {
    const { keys } = request;
    const notifier = this.#notifierOf();
    const waiter = this.#waiter(true, keys, timeoutMs, signal);
    const registration = notifier.listen(keys, waiter);
    let result: Attempt = first;
    try {
      await waiter.race(registration.ready);
      // Retry at once unless no release can have slipped by since the first attempt (its
      // channels were already subscribed then, and nothing was delivered since).
      if (snapshot !== undefined && notifier.unchangedSince(keys, snapshot)) {
        await waiter.sleep(this.#fallbackDelay(first.pttl));
      }
      for (;;) {
        const wokenBy = waiter.beginAttempt();
        const pending = this.#attempt(client, request);
        try {
          result = await waiter.race(pending);
        } catch (error) {
          // The wait stopped while an attempt was in flight: give back a late success.
          pending.then(
            (late) => {
              if (late.acquired) this.#releaseQuietly(client, request);
            },
            () => undefined,
          );
          throw error;
        }
        if (result.acquired) return lockOf(request, result);
        if (waiter.notifiedDuringAttempt) continue;
        // Woken for a key that is free now, but blocked by another key: let the next one try.
        if (wokenBy !== undefined && keys[result.index] !== wokenBy) notifier.passOn(wokenBy, waiter);
        await waiter.sleep(this.#fallbackDelay(result.pttl));
      }
    } finally {
      registration.dispose(result.acquired ? undefined : waiter.unconsumedWake);
      this.#forget(waiter);
    }
  }

  #releaseQuietly(client: RedisClient, request: AcquireRequest): void {
    this.#release(client, request.keys, request.identifier).catch((error: unknown) => {
      this.logger.warn(
        { keys: request.keys, err: error },
        'could not release a lock acquired after its wait ended',
      );
    });
  }

  async #attempt(client: RedisClient, request: AcquireRequest): Promise<Attempt> {
    const sentAt = Date.now();
    const args = [request.identifier, request.ttl];
    const reply = (
      request.replicas.replicas > 0
        ? await this.#replicas().confirmed(
            'acquire',
            acquireScript,
            request.keys,
            request.scriptKeys,
            args,
            request.replicas,
            (r) => typeof r === 'number',
            () => this.#release(client, request.keys, request.identifier),
          )
        : await runLuaScript(client, acquireScript, request.scriptKeys, args)
    ) as number | [number, number];
    return typeof reply === 'number'
      ? { acquired: true, token: reply, sentAt, index: -1, pttl: -1 }
      : { acquired: false, token: 0, sentAt, index: reply[0] - 1, pttl: reply[1] };
  }

  /** Fallback retry delay: random in [retryMinMs, retryMaxMs], or when the lock expires. */
  #fallbackDelay(pttl: number): number {
    const { retryMinMs, retryMaxMs } = this.settings;
    const jitter = retryMinMs + Math.random() * Math.max(0, retryMaxMs - retryMinMs);
    return Math.ceil(pttl >= 0 ? Math.min(jitter, pttl + 1) : jitter);
  }

  #waiter(
    exclusive: boolean,
    keys: readonly string[],
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): LockWaiter {
    const waiter = new LockWaiter({
      exclusive,
      timeoutMs,
      onTimeout: () => new LockTimeoutError(keys, timeoutMs),
      signal,
      onAbort: (reason) => new LockAbortedError(keys, reason),
    });
    this.#waiters.add(waiter);
    return waiter;
  }

  #forget(waiter: LockWaiter): void {
    waiter.dispose();
    this.#waiters.delete(waiter);
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

  /** Keys and owner from `release`/`renew` arguments. */
  #target(target: LockKeys | Lock, identifier: string | undefined): [readonly string[], string] {
    if (isLock(target)) return [target.keys, target.identifier];
    if (typeof identifier !== 'string' || identifier === '') {
      throw new LockArgumentError('A lock identifier must be a non-empty string', { identifier });
    }
    return [this.#keys(target), identifier];
  }

  /** Validated, de-duplicated keys; several keys must share a slot in a cluster. */
  #keys(keys: LockKeys): readonly string[] {
    if (typeof keys === 'string') return [this.#key(keys)];
    const unique = [...new Set(keys)];
    if (unique.length === 0) throw new LockArgumentError('A lock needs at least one key', { keys: unique });
    for (const key of unique) this.#key(key);
    if (this.#cluster && unique.length > 1) {
      const slots = unique.map(keySlot);
      if (slots.some((slot) => slot !== slots[0])) throw new LockKeysCrossSlotError(unique, slots);
    }
    return unique;
  }

  #key(key: string): string {
    if (typeof key !== 'string' || key === '') {
      throw new LockArgumentError('Lock keys must be non-empty strings', { key });
    }
    return key;
  }

  #ttl(ttl: number | undefined): number {
    const value = ttl ?? this.settings.defaultTtlMs;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new LockArgumentError(
        `A lock ttl must be a positive integer number of ms, got ${String(value)}`,
        {
          ttl: value,
        },
      );
    }
    return value;
  }

  #timeout(timeout: number | undefined): number {
    const value = timeout ?? this.settings.waitTimeoutMs;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new LockArgumentError(`A lock wait timeout must be a number of ms >= 0, got ${String(value)}`, {
        timeout: value,
      });
    }
    return value;
  }
}

function isLock(target: LockKeys | Lock): target is Lock {
  return typeof target === 'object' && !Array.isArray(target);
}

function lockOf(request: AcquireRequest, attempt: Attempt): Lock {
  return {
    keys: request.keys,
    identifier: request.identifier,
    token: attempt.token,
    expiresAt: attempt.sentAt + request.ttl,
    replicas: request.replicas.replicas,
  };
}

/** The keys at the 1-based `indexes`. */
function pick(keys: readonly string[], indexes: readonly number[]): string[] {
  return indexes.map((index) => keys[index - 1] ?? String(index));
}

function groupBySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = keySlot(key);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [key]);
    else group.push(key);
  }
  return [...groups.values()];
}
