// attemptLock: one run of the acquire script, and the AcquireRequest / Attempt it works with.
import { runLuaScript } from '../lua/lua-script.js';
import type { RedisClient } from '../transport/redis-client.js';
import { fenceKeyOf } from './fence-key.js';
import type { Lock } from './lock.js';
import { acquireScript } from './lock-scripts.js';
import type { ReplicaRequirement, ReplicaWaiter } from './wait-for-replicas.js';

/** What one `acquire` call tries to lock. */
export interface AcquireRequest {
  readonly keys: readonly string[];
  /** The lock keys, then their fence-counter keys. */
  readonly scriptKeys: readonly string[];
  readonly identifier: string;
  readonly ttl: number;
  /** Replicas that must confirm the lock (`WAIT`) before it counts. */
  readonly replicas: ReplicaRequirement;
}

/**
 * One acquire attempt's outcome: `token` and `sentAt` (this process's `Date.now()` before the
 * script was sent) when acquired, else the 0-based `index` of the held key and its `pttl`. (One
 * object shape for both, so hot code stays monomorphic.)
 */
export interface Attempt {
  readonly acquired: boolean;
  readonly token: number;
  readonly sentAt: number;
  readonly index: number;
  readonly pttl: number;
}

/** The request to lock checked `keys` for `identifier` for `ttl` ms. */
export function acquireRequestOf(
  keys: readonly string[],
  identifier: string,
  ttl: number,
  replicas: ReplicaRequirement,
): AcquireRequest {
  const scriptKeys =
    keys.length === 1 ? [keys[0] ?? '', fenceKeyOf(keys[0] ?? '')] : [...keys, ...keys.map(fenceKeyOf)];
  return { keys, scriptKeys, identifier, ttl, replicas };
}

/** Runs the acquire script once (all keys or none). */
export async function attemptLock(client: RedisClient, request: AcquireRequest): Promise<Attempt> {
  const sentAt = Date.now();
  const reply = await runLuaScript(client, acquireScript, request.scriptKeys, [
    request.identifier,
    request.ttl,
  ]);
  return attemptOf(reply, sentAt);
}

/**
 * Runs the acquire script followed by `WAIT` on `waiter`'s connection: a lock that too few
 * replicas confirm is released again (`undo`) and `LockNotReplicatedError` thrown.
 */
export async function attemptReplicatedLock(
  waiter: ReplicaWaiter,
  request: AcquireRequest,
  undo: () => Promise<void>,
): Promise<Attempt> {
  const sentAt = Date.now();
  const reply = await waiter.confirmed(
    'acquire',
    acquireScript,
    request.keys,
    request.scriptKeys,
    [request.identifier, request.ttl],
    request.replicas,
    (answer) => typeof answer === 'number',
    undo,
  );
  return attemptOf(reply, sentAt);
}

/** The attempt an acquire script's reply (a token, or `[index, pttl]` of the held key) stands for. */
function attemptOf(answer: unknown, sentAt: number): Attempt {
  const reply = answer as number | [number, number];
  return typeof reply === 'number'
    ? { acquired: true, token: reply, sentAt, index: -1, pttl: -1 }
    : { acquired: false, token: 0, sentAt, index: reply[0] - 1, pttl: reply[1] };
}

/** The lock an acquired attempt holds. */
export function lockOf(request: AcquireRequest, attempt: Attempt): Lock {
  return {
    keys: request.keys,
    identifier: request.identifier,
    token: attempt.token,
    expiresAt: attempt.sentAt + request.ttl,
    replicas: request.replicas.replicas,
  };
}
