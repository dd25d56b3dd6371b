/** `"a"` or `["a", "b"]`, for error messages. */
export function formatKeys(keys: readonly string[]): string {
  return keys.length === 1 ? `"${keys[0] ?? ''}"` : `[${keys.map((key) => `"${key}"`).join(', ')}]`;
}
