/** `value` if it is an Error, else an Error whose message is `String(value)` (for `catch (e)`). */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
