import { describe, expect, it } from 'vitest';
import {
  CacheTypeError,
  decodeValue,
  describeType,
  encodeValue,
  Uuid,
  type TypeToken,
} from '../../../src/cache/codec/index.js';
import { decodeError } from './decode-error.js';

const roundTrips: [string, TypeToken, unknown][] = [
  ['String', String, 'my_data ✓'],
  ['String (empty)', String, ''],
  ['Number (float)', Number, 3.25],
  ['Number (negative int)', Number, -70_000],
  ['Number (above 2^32)', Number, 2 ** 40 + 3],
  ['Number (NaN)', Number, Number.NaN],
  ['Boolean', Boolean, false],
  ['BigInt (small)', BigInt, -5n],
  ['BigInt (above 2^64)', BigInt, 2n ** 100n + 7n],
  ['Date', Date, new Date('2024-03-05T10:20:30.456Z')],
  ['Date (before 1970)', Date, new Date('1901-01-01T00:00:00.001Z')],
  ['Set', Set, new Set(['dogs', 'cats', 3])],
  [
    'Map',
    Map,
    new Map<unknown, unknown>([
      [1, 'a'],
      ['k', new Map([['nested', [1, 2]]])],
    ]),
  ],
  ['Uint8Array', Uint8Array, new Uint8Array([0, 1, 254, 255])],
  ['Buffer', Buffer, Buffer.from('raw bytes')],
  ['Array', Array, [1, 'a', null, [true], { x: 1 }]],
  ['Object', Object, { a: 1, b: { c: [1, 'two'] }, d: null }],
  ['Uuid', Uuid, '0b6f3a52-8c4e-4c1d-9d57-2f1e0c9a7b31'],
];

describe('built-in type tokens', () => {
  it.each(roundTrips)('%s round-trips', (_name, type, value) => {
    const back: unknown = decodeValue(encodeValue(value as never, type), type, 'k');
    expect(back).toEqual(value);
    expect(decodeValue(encodeValue(value))).toEqual(value); // and without a type
  });

  it('keep the exact runtime class', () => {
    expect(decodeValue(encodeValue(new Set([1]), Set), Set)).toBeInstanceOf(Set);
    expect(decodeValue(encodeValue(new Map([[1, 2]]), Map), Map)).toBeInstanceOf(Map);
    expect(Buffer.isBuffer(decodeValue(encodeValue(Buffer.from('x'), Buffer), Buffer))).toBe(true);
    const bytes = decodeValue(encodeValue(new Uint8Array([1]), Uint8Array), Uint8Array);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Object.getPrototypeOf(decodeValue(encodeValue({ a: 1 }, Object), Object))).toBe(Object.prototype);
  });

  it('Uuid stores 16 bytes and reads canonical lowercase', () => {
    const upper = '0B6F3A52-8C4E-4C1D-9D57-2F1E0C9A7B31';
    const bytes = encodeValue(upper, Uuid);
    expect(bytes).toHaveLength(18); // bin 8 header + 16 bytes
    expect(decodeValue(bytes, Uuid)).toBe(upper.toLowerCase());
  });

  it('Uuid writes the bytes the hex digits say, in either case, and refuses near-misses', () => {
    const mixed = '0123aBcD-EF45-6789-abcd-EF0123456789';
    const expected = Buffer.from(mixed.replace(/-/g, ''), 'hex');
    expect(encodeValue(mixed, Uuid).subarray(2)).toEqual(expected);
    const nearMisses = [
      '0123abcd-ef45-6789-abcd-ef012345678g', // not a hex digit
      '0123abcd-ef45-6789-abcd-ef012345678\u00e9', // not ASCII
      '0123abcd-ef4-56789-abcd-ef0123456789', // a dash out of place
      '0123abcd-ef45-6789-abcd-ef012345678', // one digit short
      '{0123abcd-ef45-6789-abcd-ef01234567}',
    ];
    for (const value of nearMisses) {
      expect(() => encodeValue(value, Uuid)).toThrow(
        expect.objectContaining({ code: 'CACHE_ENCODE_FAILED' }),
      );
    }
  });

  it('BigInt accepts safe integers, Number accepts bigints within the safe range', () => {
    expect(decodeValue(encodeValue(42), BigInt)).toBe(42n);
    expect(decodeValue(encodeValue(2n ** 40n), Number)).toBe(2 ** 40);
    // what a Python writer stores for 2^40 (uint64): read as bigint untyped, as number when asked
    const python = Buffer.from('cf0000010000000000', 'hex');
    expect(decodeValue(python)).toBe(2n ** 40n);
    expect(decodeValue(python, Number)).toBe(2 ** 40);
  });

  it('Buffer accepts any bytes and returns a Buffer; Uint8Array accepts a Buffer', () => {
    const fromTyped = decodeValue(encodeValue(new Uint8Array([7, 8])), Buffer);
    expect(Buffer.isBuffer(fromTyped)).toBe(true);
    expect([...fromTyped]).toEqual([7, 8]);
    expect(decodeValue(encodeValue(Buffer.from([9])), Uint8Array)).toEqual(Buffer.from([9]));
  });

  const mismatches: [unknown, TypeToken][] = [
    [5, Set],
    ['5', Number],
    ['', Number],
    [1, Boolean],
    [5, String],
    [null, String],
    [Buffer.from('text'), String],
    [1.5, BigInt],
    ['12', BigInt],
    [2 ** 60, BigInt],
    [2n ** 60n, Number],
    [new Date(0).toISOString(), Date],
    [0, Date],
    [new Date(Number.NaN), Date],
    [[1, 2], Set],
    [{ a: 1 }, Map],
    [new Map(), Object],
    [[1], Object],
    [new Date(0), Object],
    [{}, Array],
    [new Set([1]), Array],
    ['bytes', Uint8Array],
    [[1, 2], Buffer],
    ['not-a-uuid', Uuid],
  ];

  it.each(mismatches)('%o requested as %o raises CacheDecodeError', (stored, type) => {
    const error = decodeError(() => decodeValue(encodeValue(stored), type, 'my_key'));
    expect(error.code).toBe('CACHE_DECODE_FAILED');
    expect(error.key).toBe('my_key');
    expect(error.expected).toBe(describeType(type));
    expect(error.cause).toEqual([expect.objectContaining({ path: '$input', expected: describeType(type) })]);
    expect(error.message).toContain(`"my_key" as ${describeType(type)}`);
  });

  it('refuse what is not a type token', () => {
    expect(() => decodeValue(encodeValue(1), Symbol as never)).toThrow(CacheTypeError);
    expect(() => encodeValue(1, class Foo {} as never)).toThrow(/Unsupported cache type Foo/);
    expect(() => encodeValue(1, {} as never)).toThrow(CacheTypeError);
  });

  it('describeType names every token', () => {
    expect(describeType(String)).toBe('String');
    expect(describeType(Buffer)).toBe('Buffer');
    expect(describeType(Uint8Array)).toBe('Uint8Array');
    expect(describeType(Uuid)).toBe('Uuid');
    expect(describeType()).toBe('msgpack value');
  });
});
