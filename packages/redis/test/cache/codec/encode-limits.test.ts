import { describe, expect, it } from 'vitest';
import {
  CacheEncodeError,
  CacheValueTooLargeError,
  decodeValue,
  encodeValue,
} from '../../../src/cache/codec/index.js';
import { alice, UserType } from './fixtures.js';

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('maxValueBytes', () => {
  it('refuses an encoding longer than the limit with CacheValueTooLargeError', () => {
    const error = caught(() => encodeValue('x'.repeat(100), undefined, { maxValueBytes: 50, key: 'big' }));
    expect(error).toBeInstanceOf(CacheValueTooLargeError);
    const tooLarge = error as CacheValueTooLargeError;
    expect(tooLarge.code).toBe('CACHE_VALUE_TOO_LARGE');
    expect(tooLarge.key).toBe('big');
    expect(tooLarge.size).toBe(102);
    expect(tooLarge.limit).toBe(50);
    expect(tooLarge.message).toContain('"big"');
  });

  it('accepts an encoding of exactly the limit, and anything without one', () => {
    expect(encodeValue('x'.repeat(100), undefined, { maxValueBytes: 102 })).toHaveLength(102);
    expect(encodeValue('x'.repeat(100_000))).toHaveLength(100_005);
  });

  it('measures the typed (positional) encoding', () => {
    const size = encodeValue(alice, UserType).length;
    expect(encodeValue(alice, UserType, { maxValueBytes: size })).toHaveLength(size);
    expect(() => encodeValue(alice, UserType, { maxValueBytes: size - 1 })).toThrow(CacheValueTooLargeError);
  });
});

describe('values msgpack or the type cannot encode', () => {
  it('raise CacheEncodeError', () => {
    const symbol = caught(() => encodeValue({ s: Symbol('x') }, undefined, { key: 'k' }));
    expect(symbol).toBeInstanceOf(CacheEncodeError);
    expect((symbol as CacheEncodeError).cause).toBeInstanceOf(Error);
    expect((symbol as CacheEncodeError).key).toBe('k');

    const cyclic: Record<string, unknown> = {};
    cyclic.self = new Map([['again', cyclic]]);
    expect(caught(() => encodeValue(cyclic))).toBeInstanceOf(CacheEncodeError);

    const wrongType = caught(() => encodeValue(5 as never, Set));
    expect(wrongType).toBeInstanceOf(CacheEncodeError);
    expect((wrongType as CacheEncodeError).expected).toBe('Set');
    expect((wrongType as CacheEncodeError).issues).toEqual([{ path: '$input', expected: 'Set', value: 5 }]);
  });

  it('leave valid values untouched by a failed attempt', () => {
    expect(decodeValue(encodeValue(alice, UserType), UserType)).toEqual(alice);
  });
});
