import { KeelError } from '../errors/keel-error.js';

/**
 * Access levels of RPC callers, kaiju's values: a lower number is more privileged, so
 * SYSTEM > USER > GUEST. A caller may call a method when its scope is at least as privileged as
 * the scope the method requires.
 */
export const Scope = Object.freeze({ SYSTEM: 0, USER: 100, GUEST: 1000 } as const);

/** One of the {@link Scope} values. */
export type Scope = (typeof Scope)[keyof typeof Scope];

/** The name of a scope as written in config files. */
export type ScopeName = keyof typeof Scope;

const byValue = new Map<number, ScopeName>(
  Object.entries(Scope).map(([name, value]) => [value, name as ScopeName]),
);

/** True when `value` is one of the {@link Scope} values. */
export function isScope(value: unknown): value is Scope {
  return typeof value === 'number' && byValue.has(value);
}

/** The name of a scope (`SYSTEM`, `USER`, `GUEST`). */
export function scopeName(scope: Scope): ScopeName {
  return byValue.get(scope) ?? 'GUEST';
}

/**
 * Reads a scope from config: a name (`SYSTEM`, `USER`, `GUEST`, any case) or one of the numeric
 * values. Throws `RPC_SCOPE_INVALID` otherwise.
 */
export function parseScope(value: unknown): Scope {
  if (isScope(value)) return value;
  if (typeof value === 'string') {
    const name = value.trim().toUpperCase();
    if (name === 'SYSTEM' || name === 'USER' || name === 'GUEST') return Scope[name];
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new KeelError('RPC_SCOPE_INVALID', `Invalid RPC scope ${shown}: expected SYSTEM, USER or GUEST`, {
    details: { value: typeof value === 'string' || typeof value === 'number' ? value : typeof value },
  });
}

/** True when a caller with scope `caller` may call a method that requires `required`. */
export function scopeAllows(caller: Scope, required: Scope): boolean {
  return caller <= required;
}
