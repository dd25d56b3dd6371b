// Checks of RedisLocksService arguments: keys, identifiers, ttls, wait timeouts, release/renew targets.
import { keySlot } from '../cluster/key-slot.js';
import { LockArgumentError } from './errors/lock-argument-error.js';
import { LockKeysCrossSlotError } from './errors/lock-keys-cross-slot-error.js';
import type { Lock, LockKeys } from './lock.js';

/** True when a `release`/`renew` target is a {@link Lock} rather than keys. */
export function isLock(target: LockKeys | Lock): target is Lock {
  return typeof target === 'object' && !Array.isArray(target);
}

/** `key`, when it is a non-empty string. */
export function checkLockKey(key: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new LockArgumentError('Lock keys must be non-empty strings', { key });
  }
  return key;
}

/** Validated, de-duplicated keys; several keys must share a slot in a cluster. */
export function checkLockKeys(keys: LockKeys, cluster: boolean): readonly string[] {
  if (typeof keys === 'string') return [checkLockKey(keys)];
  const unique = [...new Set(keys)];
  if (unique.length === 0) throw new LockArgumentError('A lock needs at least one key', { keys: unique });
  for (const key of unique) checkLockKey(key);
  if (cluster && unique.length > 1) {
    const slots = unique.map(keySlot);
    if (slots.some((slot) => slot !== slots[0])) throw new LockKeysCrossSlotError(unique, slots);
  }
  return unique;
}

/** `identifier`, when it is a non-empty string. */
export function checkLockIdentifier(identifier: string | undefined): string {
  if (typeof identifier !== 'string' || identifier === '') {
    throw new LockArgumentError('A lock identifier must be a non-empty string', { identifier });
  }
  return identifier;
}

/** A lock ttl in ms (`ttl`, else `defaultTtl`): a positive integer. */
export function checkLockTtl(ttl: number | undefined, defaultTtl: number): number {
  const value = ttl ?? defaultTtl;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new LockArgumentError(`A lock ttl must be a positive integer number of ms, got ${String(value)}`, {
      ttl: value,
    });
  }
  return value;
}

/** A wait timeout in ms (`timeout`, else `defaultTimeout`): a number >= 0 (`Infinity` too). */
export function checkLockTimeout(timeout: number | undefined, defaultTimeout: number): number {
  const value = timeout ?? defaultTimeout;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new LockArgumentError(`A lock wait timeout must be a number of ms >= 0, got ${String(value)}`, {
      timeout: value,
    });
  }
  return value;
}

/** Keys and owner from `release`/`renew` arguments. */
export function lockTargetOf(
  target: LockKeys | Lock,
  identifier: string | undefined,
  cluster: boolean,
): [readonly string[], string] {
  if (isLock(target)) return [target.keys, target.identifier];
  const owner = checkLockIdentifier(identifier);
  return [checkLockKeys(target, cluster), owner];
}
