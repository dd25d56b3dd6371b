import { KeelError } from '../errors/keel-error.js';

/** Separator between key parts, as in kaiju (`<env>.<app>.<key>`). */
export const KEY_SEPARATOR = '.';

/**
 * Builds namespaced Redis keys: `new Namespace('prod', 'orders').key('x')` → `prod.orders.x`.
 * A part containing the separator (or empty) is rejected with `NAMESPACE_INVALID_KEY`, so keys
 * of different namespaces never collide.
 */
export class Namespace {
  /** The prefix of every key, e.g. `prod.orders`. */
  readonly prefix: string;

  constructor(...parts: readonly string[]) {
    this.prefix = joinParts(parts);
  }

  /** A key under this namespace: `key('cache', 'user1')` → `<prefix>.cache.user1`. */
  key(...parts: readonly (string | number)[]): string {
    if (parts.length === 0) throw new KeelError('NAMESPACE_INVALID_KEY', 'A key needs at least one part');
    return `${this.prefix}${KEY_SEPARATOR}${joinParts(parts.map(String))}`;
  }

  /** A child namespace: `child('locks')` → namespace `<prefix>.locks`. */
  child(...parts: readonly string[]): Namespace {
    return new Namespace(...this.prefix.split(KEY_SEPARATOR), ...parts);
  }

  /** A glob matching every key of this namespace (for SCAN / PSUBSCRIBE). */
  pattern(): string {
    return `${this.prefix}${KEY_SEPARATOR}*`;
  }

  toString(): string {
    return this.prefix;
  }
}

function joinParts(parts: readonly string[]): string {
  if (parts.length === 0) throw new KeelError('NAMESPACE_INVALID_KEY', 'A namespace needs at least one part');
  for (const part of parts) {
    if (part === '') throw new KeelError('NAMESPACE_INVALID_KEY', 'A key part must not be empty');
    if (part.includes(KEY_SEPARATOR)) {
      throw new KeelError(
        'NAMESPACE_INVALID_KEY',
        `A key part must not contain "${KEY_SEPARATOR}": ${JSON.stringify(part)}`,
        { details: { part } },
      );
    }
  }
  return parts.join(KEY_SEPARATOR);
}
