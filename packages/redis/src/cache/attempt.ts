// attempt: runs a promise-returning function, turning a synchronous throw into a rejection.
import { toError } from '@keel/core';

/** Runs `fn`, turning a synchronous throw (a bad argument, a value that cannot be encoded) into a rejection. */
export function attempt<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(toError(error));
  }
}
