import { KeelError } from '../errors/keel-error.js';
import { Scope, isScope } from './scope.js';

/** The scope a route needs when no permission pattern matches it. */
export const DEFAULT_ROUTE_SCOPE: Scope = Scope.SYSTEM;

interface Rule {
  readonly pattern: string;
  readonly scope: Scope;
  readonly regex: RegExp;
  readonly exact: boolean;
  readonly literals: number;
  readonly order: number;
}

/** Turns a glob (`*` any run of characters, `?` one character) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of Array.from(glob)) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Compiles a service's `permissions` into a function giving the scope each route needs.
 *
 * The most specific matching pattern wins: an exact route name beats any glob; among globs the
 * one with more literal (non-wildcard) characters wins (`get_*` beats `*`); a tie goes to the
 * pattern listed first. Routes no pattern matches need {@link DEFAULT_ROUTE_SCOPE} (SYSTEM).
 * Throws `RPC_PERMISSION_INVALID` when a value is not a {@link Scope}.
 */
export function createPermissionResolver(
  permissions: Readonly<Record<string, unknown>> | undefined,
  serviceName: string,
): (route: string) => Scope {
  const rules: Rule[] = [];
  for (const [pattern, scope] of Object.entries(permissions ?? {})) {
    if (!isScope(scope)) {
      throw new KeelError(
        'RPC_PERMISSION_INVALID',
        `Service "${serviceName}" gives permission "${pattern}" an invalid scope ${String(scope)}: use Scope.SYSTEM, Scope.USER or Scope.GUEST`,
        { details: { service: serviceName, pattern } },
      );
    }
    const literals = pattern.replace(/[*?]/g, '').length;
    rules.push({
      pattern,
      scope,
      regex: globToRegExp(pattern),
      exact: literals === pattern.length,
      literals,
      order: rules.length,
    });
  }
  rules.sort((a, b) => Number(b.exact) - Number(a.exact) || b.literals - a.literals || a.order - b.order);
  return (route) =>
    rules.find((rule) => (rule.exact ? rule.pattern === route : rule.regex.test(route)))?.scope ??
    DEFAULT_ROUTE_SCOPE;
}
