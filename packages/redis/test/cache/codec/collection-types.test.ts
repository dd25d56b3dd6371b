import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  arrayOf,
  decodeValue,
  describeType,
  encodeValue,
  mapOf,
  setOf,
  Uuid,
} from '../../../src/cache/codec/index.js';
import { decodeError } from './decode-error.js';
import { alice, UserType, type User } from './fixtures.js';

const bob: User = { ...alice, id: '6f1c1e2a-7a7b-4d3e-8f90-0123456789ab', name: 'Bob', age: 41 };

describe('arrayOf / setOf / mapOf', () => {
  it('have readable names', () => {
    expect(describeType(arrayOf(UserType))).toBe('Array<User>');
    expect(describeType(mapOf(String, setOf(Date)))).toBe('Map<String, Set<Date>>');
  });

  it('arrayOf(struct) round-trips, each element positional and validated', () => {
    const Users = arrayOf(UserType);
    const bytes = encodeValue([alice, bob], Users);
    const wire = unpack(bytes) as unknown[][];
    expect(wire).toHaveLength(2);
    expect(wire[1]?.[1]).toBe('Bob');
    expect(decodeValue(bytes, Users)).toEqual([alice, bob]);
  });

  it('report the index of the element that does not match', () => {
    const stored = encodeValue([alice, { ...bob, age: -3 }]);
    const error = decodeError(() => decodeValue(stored, arrayOf(UserType), 'users'));
    expect(error.expected).toBe('Array<User>');
    expect(error.issues[0]?.path).toBe('$input[1].age');
    expect(decodeError(() => decodeValue(encodeValue(['a', 1]), arrayOf(String))).issues[0]?.path).toBe(
      '$input[1]',
    );
    expect(decodeError(() => decodeValue(encodeValue(new Set(['a'])), arrayOf(String))).issues[0]?.path).toBe(
      '$input',
    );
  });

  it('setOf round-trips and checks elements', () => {
    const dates = new Set([new Date(1000), new Date(2000)]);
    expect(decodeValue(encodeValue(dates, setOf(Date)), setOf(Date))).toEqual(dates);
    const ids = new Set([alice.id, bob.id]);
    const bytes = encodeValue(ids, setOf(Uuid));
    expect(decodeValue(bytes, setOf(Uuid))).toEqual(ids);
    expect(
      decodeError(() => decodeValue(encodeValue(new Set([1, 'x'])), setOf(Number))).issues[0]?.path,
    ).toBe('$input[1]');
  });

  it('arrayOf(Uuid) writes each UUID as 16 bytes, also past msgpackr’s initial buffer', () => {
    const ids = Array.from(
      { length: 3000 },
      (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-00000000abcd`,
    );
    const bytes = encodeValue(ids, arrayOf(Uuid));
    expect(bytes).toHaveLength(3 + 3000 * 18);
    expect(decodeValue(bytes, arrayOf(Uuid))).toEqual(ids);
  });

  it('mapOf round-trips struct values and checks keys and values', () => {
    const byId = new Map([
      [alice.id, alice],
      [bob.id, bob],
    ]);
    const ByIdType = mapOf(Uuid, UserType);
    const back = decodeValue(encodeValue(byId, ByIdType), ByIdType);
    expect(back).toEqual(byId);
    expect([...back.keys()]).toEqual([alice.id, bob.id]);
    const badValue = decodeError(() => decodeValue(encodeValue(new Map([['a', 1]])), mapOf(String, String)));
    expect(badValue.issues[0]?.path).toBe('$input[0][1]');
    const badKey = decodeError(() => decodeValue(encodeValue(new Map([[1, 'a']])), mapOf(String, String)));
    expect(badKey.issues[0]?.path).toBe('$input[0][0]');
  });

  it('normalise elements without touching the caller’s value', () => {
    const numbers = [1, 2, 3];
    expect(decodeValue(encodeValue(numbers), arrayOf(BigInt))).toEqual([1n, 2n, 3n]);
    const bytes = encodeValue(numbers as never, arrayOf(BigInt));
    expect(numbers).toEqual([1, 2, 3]);
    expect(decodeValue(bytes)).toEqual([1n, 2n, 3n]);
  });
});
