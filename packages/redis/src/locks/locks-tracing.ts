// traceLocks: the spans of RedisLocksService's methods, made only with its `tracing: true` setting.
import type { Attributes, Span } from '@opentelemetry/api';
import { firstKey, type TracedCall, traceMethods } from '../tracing/traced-methods.js';

/** `keel.lock.keys`: the keys of a `LockKeys` argument or of a `Lock`. */
function lockKeys(args: readonly unknown[]): Attributes {
  const [target] = args;
  if (typeof target === 'string') return { 'keel.lock.keys': [target] };
  if (Array.isArray(target)) return { 'keel.lock.keys': target.filter((key) => typeof key === 'string') };
  const keys = (target as { keys?: unknown } | null)?.keys;
  return Array.isArray(keys) ? { 'keel.lock.keys': keys.filter((key) => typeof key === 'string') } : {};
}

const onKeys: TracedCall = { attributes: lockKeys };

/**
 * Wraps `locks`' methods in spans `lock.<method>` (kind INTERNAL, `db.system.name` `redis`,
 * `db.operation.name` the method, `keel.lock.keys`; `acquire` adds the lock's
 * `keel.lock.fencing_token`). A wait for a held lock is inside the `lock.acquire` span; a
 * `LockTimeoutError` sets status ERROR. `withLock`'s span contains its `lock.acquire` span and
 * the function's own spans.
 */
export function traceLocks(locks: object): void {
  // `object`, not RedisLocksService: importing its type back would be an import cycle.
  traceMethods(locks as Record<string, unknown>, 'lock', {
    acquire: {
      attributes: lockKeys,
      result: (lock: unknown, span: Span) => {
        const token = (lock as { token?: unknown } | null)?.token;
        if (typeof token === 'number') span.setAttribute('keel.lock.fencing_token', token);
      },
    },
    release: onKeys,
    renew: onKeys,
    withLock: onKeys,
    wait: { attributes: firstKey },
    owner: { attributes: firstKey },
    exists: { attributes: firstKey },
  });
}
