/** Keys whose values {@link redactParams} hides. */
export const SECRET_KEY_PATTERN = /pass(word)?|secret|token|api[-_]?key|auth/i;

/** What replaces a secret value. */
export const REDACTED = '[redacted]';

/** What replaces a value nested deeper than the depth bound. */
export const TRUNCATED = '[truncated]';

/**
 * A copy of `params` fit for logs: the value of every key matching {@link SECRET_KEY_PATTERN}
 * (`password`, `pass`, `secret`, `token`, `apiKey`, `api_key`, `auth…`, any case, anywhere in
 * the key) is replaced by `'[redacted]'`, recursively through objects and arrays; anything
 * nested deeper than `maxDepth` levels is replaced by `'[truncated]'`. The input is not changed.
 */
export function redactParams(params: unknown, maxDepth = 8): unknown {
  return redact(params, maxDepth);
}

function redact(value: unknown, depthLeft: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depthLeft <= 0) return TRUNCATED;
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item, depthLeft - 1));
  if (value instanceof Map) {
    return new Map(
      [...(value as Map<unknown, unknown>)].map(([key, item]) => [
        key,
        typeof key === 'string' && SECRET_KEY_PATTERN.test(key) ? REDACTED : redact(item, depthLeft - 1),
      ]),
    );
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safe = SECRET_KEY_PATTERN.test(key) ? REDACTED : redact(item, depthLeft - 1);
    Object.defineProperty(copy, key, { value: safe, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
