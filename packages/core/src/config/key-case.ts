/** `max_batch_size` → `maxBatchSize`; camelCase keys are returned unchanged. */
export function toCamelCase(key: string): string {
  return key.replace(/(?<=[A-Za-z0-9])_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** `maxBatchSize` → `max_batch_size`. */
export function toSnakeCase(key: string): string {
  return key.replace(/(?<=[a-z0-9])([A-Z])/g, (_match, upper: string) => `_${upper.toLowerCase()}`);
}

/** True when `key` is written in snake_case (has an inner underscore). */
export function isSnakeCase(key: string): boolean {
  return /[A-Za-z0-9]_[a-z0-9]/.test(key);
}

/** `candidate` spelled in the same style (snake or camel) as `spelledLike`. */
export function spellLike(candidate: string, spelledLike: string): string {
  return isSnakeCase(spelledLike) ? toSnakeCase(candidate) : candidate;
}
