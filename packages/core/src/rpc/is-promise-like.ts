// isPromiseLike: tells an asynchronous handler's result (a thenable) from a synchronous one.

/** True for a thenable (a Promise or anything with a `then` method). */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
