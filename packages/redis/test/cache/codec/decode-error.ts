import { expect } from 'vitest';
import { CacheDecodeError } from '../../../src/cache/codec/index.js';

/** The CacheDecodeError that `run` throws (the test fails when it throws anything else, or nothing). */
export function decodeError(run: () => unknown): CacheDecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CacheDecodeError);
    return error as CacheDecodeError;
  }
  throw new Error('expected a CacheDecodeError');
}
