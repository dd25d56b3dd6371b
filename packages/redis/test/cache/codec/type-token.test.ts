import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  arrayOf,
  decodeValue,
  encodeValue,
  mapOf,
  resolveType,
  setOf,
  Uuid,
  type Decoded,
} from '../../../src/cache/codec/index.js';
import { UserType, type User } from './fixtures.js';

describe('Decoded<token>', () => {
  it('gives the TypeScript type of each token', () => {
    expectTypeOf<Decoded<StringConstructor>>().toEqualTypeOf<string>();
    expectTypeOf<Decoded<NumberConstructor>>().toEqualTypeOf<number>();
    expectTypeOf<Decoded<BooleanConstructor>>().toEqualTypeOf<boolean>();
    expectTypeOf<Decoded<BigIntConstructor>>().toEqualTypeOf<bigint>();
    expectTypeOf<Decoded<DateConstructor>>().toEqualTypeOf<Date>();
    expectTypeOf<Decoded<SetConstructor>>().toEqualTypeOf<Set<unknown>>();
    expectTypeOf<Decoded<MapConstructor>>().toEqualTypeOf<Map<unknown, unknown>>();
    expectTypeOf<Decoded<Uint8ArrayConstructor>>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<Decoded<BufferConstructor>>().toEqualTypeOf<Buffer>();
    expectTypeOf<Decoded<ArrayConstructor>>().toEqualTypeOf<unknown[]>();
    expectTypeOf<Decoded<ObjectConstructor>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<Decoded<typeof UserType>>().toEqualTypeOf<User>();
    expectTypeOf<Decoded<typeof Uuid>>().toEqualTypeOf<string>();
  });

  it('types decodeValue and encodeValue', () => {
    // only type-checked: the decodes below would (rightly) fail at runtime
    const check = (bytes: Buffer): void => {
      expectTypeOf(decodeValue(bytes, UserType)).toEqualTypeOf<User>();
      expectTypeOf(decodeValue(bytes, arrayOf(UserType))).toEqualTypeOf<User[]>();
      expectTypeOf(decodeValue(bytes, setOf(Date))).toEqualTypeOf<Set<Date>>();
      expectTypeOf(decodeValue(bytes, mapOf(String, UserType))).toEqualTypeOf<Map<string, User>>();
      expectTypeOf(decodeValue(bytes, Set)).toEqualTypeOf<Set<unknown>>();
      expectTypeOf(decodeValue(bytes)).toEqualTypeOf<unknown>();
    };
    expect(check).toBeTypeOf('function');
    // @ts-expect-error a number is not a User
    expect(() => encodeValue(5, UserType)).toThrow();
  });

  it('resolveType returns the same data type object for a data type', () => {
    expect(resolveType(UserType)).toBe(UserType);
    expect(resolveType(String).typeName).toBe('String');
  });
});
