// releaseLock, renewLock: the owner-checked release and renew scripts.
import { runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { NotLockOwnerError } from './errors/not-lock-owner-error.js';
import { releaseScript, renewScript } from './lock-scripts.js';
import type { ReleaseNotifier } from './release-notifier.js';
import type { ReplicaRequirement, ReplicaWaiter } from './wait-for-replicas.js';

/** The keys at the 1-based `indexes`. */
function pick(keys: readonly string[], indexes: readonly number[]): string[] {
  return indexes.map((index) => keys[index - 1] ?? String(index));
}

/**
 * Releases the keys `owner` holds and publishes their release on `<channelPrefix><key>`, telling
 * the local notifier (if there is one by then) of each key released. Throws {@link NotLockOwnerError} (listing
 * them) when `owner` does not hold some of the keys; the others are released all the same.
 */
export async function releaseLock(
  client: RedisClient,
  keys: readonly string[],
  owner: string,
  channelPrefix: string,
  notifierNow: () => ReleaseNotifier | undefined,
): Promise<void> {
  const missing = (await runLuaScript(client, releaseScript, keys, [owner, channelPrefix])) as
    number[] | null;
  const notifier = notifierNow();
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
 * Sets the time to live of every key to `ttl` ms, when `owner` holds them all (else nothing
 * changes and {@link NotLockOwnerError} is thrown); resolves with `Date.now()` before sending
 * plus `ttl`.
 */
export async function renewLock(
  client: RedisClient,
  keys: readonly string[],
  owner: string,
  ttl: number,
): Promise<number> {
  const sentAt = Date.now();
  const notHeld = await runLuaScript(client, renewScript, keys, [owner, ttl]);
  return renewedUntil(notHeld, keys, owner, sentAt + ttl);
}

/**
 * {@link renewLock} followed by `WAIT` on `waiter`'s connection: a renewal that too few replicas
 * confirm throws `LockNotReplicatedError`.
 */
export async function renewReplicatedLock(
  waiter: ReplicaWaiter,
  keys: readonly string[],
  owner: string,
  ttl: number,
  requirement: ReplicaRequirement,
): Promise<number> {
  const sentAt = Date.now();
  const notHeld = await waiter.confirmed(
    'renew',
    renewScript,
    keys,
    keys,
    [owner, ttl],
    requirement,
    (answer) => answer === 0,
  );
  return renewedUntil(notHeld, keys, owner, sentAt + ttl);
}

/** `expiresAt` after the renew script answered `notHeld` (0, or the 1-based index of a key not held). */
function renewedUntil(notHeld: unknown, keys: readonly string[], owner: string, expiresAt: number): number {
  if (notHeld !== 0) throw new NotLockOwnerError(pick(keys, [Number(notHeld)]), owner, 'renew');
  return expiresAt;
}
