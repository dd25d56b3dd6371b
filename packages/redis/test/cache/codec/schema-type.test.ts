import { type } from 'arktype';
import typia from 'typia';
import { unpack } from 'msgpackr';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  CacheEncodeError,
  CacheTypeError,
  decodeValue,
  encodeValue,
  schemaType,
} from '../../../src/cache/codec/index.js';
import { decodeError } from './decode-error.js';
import { alice, order, UserType, type User } from './fixtures.js';
import {
  ArkUser,
  ArkUserType,
  ValibotOrderType,
  ValibotUserType,
  Zod3UserType,
  ZodOrderType,
  ZodTreeType,
  ZodUserType,
  type ZodTree,
  type ZodUser,
} from './schema-fixtures.js';

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const aliceWire = [uuidBytes(alice.id), alice.name, alice.email, alice.age, alice.createdAt];
const userTypes = [
  ['zod 4', ZodUserType],
  ['zod 3', Zod3UserType],
  ['valibot', ValibotUserType],
  ['arktype (fields given)', ArkUserType],
] as const;

describe('schemaType', () => {
  it.each(userTypes)(
    '%s: stores a User positionally, the UUID as 16 bytes, like a typia struct',
    (_, type) => {
      expect(type.fields).toEqual(['id', 'name', 'email', 'age', 'createdAt']);
      expect(type.typeName).toBe('User');
      const bytes = encodeValue(alice, type);
      expect(unpack(bytes)).toEqual(aliceWire);
      // The same bytes as the typia struct: every library reads what the others wrote.
      expect(bytes.equals(encodeValue(alice, UserType))).toBe(true);
      const back = decodeValue(bytes, type, 'user:1');
      expect(back).toEqual(alice);
      expect(back).not.toBe(alice);
      expect(back.createdAt).toBeInstanceOf(Date);
    },
  );

  it.each(userTypes)('%s: a wrongly typed stored value raises CacheDecodeError with the paths', (_, type) => {
    const bytes = encodeValue([uuidBytes(alice.id), alice.name, alice.email, 'old', alice.createdAt]);
    const error = decodeError(() => decodeValue(bytes, type, 'user:1'));
    expect(error.code).toBe('CACHE_DECODE_FAILED');
    expect(error.key).toBe('user:1');
    expect(error.expected).toBe('User');
    expect(error.issues.map((issue) => issue.path)).toEqual(['$input.age']);
    expect(error.issues[0]?.value).toBe('old');
    expect(error.message).toMatch(
      /^Cannot decode the cached value of key "user:1" as User: \$input\.age: expected .*number.*, got string$/,
    );
  });

  it.each(userTypes)('%s: refuses to write a value that does not match, naming the path', (_, type) => {
    const error: unknown = (() => {
      try {
        return encodeValue({ ...alice, email: 'not-an-email' }, type, { key: 'user:2' });
      } catch (failure) {
        return failure;
      }
    })();
    expect(error).toBeInstanceOf(CacheEncodeError);
    expect((error as CacheEncodeError).issues.map((issue) => issue.path)).toEqual(['$input.email']);
  });

  it('reads a User stored as a msgpack map (written without a type), validated', () => {
    expect(decodeValue(encodeValue(alice), ZodUserType)).toEqual(alice);
    const error = decodeError(() => decodeValue(encodeValue({ ...alice, name: 7 }), ValibotUserType));
    expect(error.issues.map((issue) => issue.path)).toEqual(['$input.name']);
  });

  it.each([
    ['zod', ZodOrderType],
    ['valibot', ValibotOrderType],
  ] as const)('%s: nests objects, arrays of objects, optional and nullable ones positionally', (_, type) => {
    expect(type.fields).toEqual(['id', 'user', 'shipTo', 'lines', 'total', 'note', 'labels', 'related']);
    const { meta: _meta, ...value } = order;
    const wire = unpack(encodeValue(value, type)) as unknown[];
    expect(wire).toEqual([
      uuidBytes(order.id),
      aliceWire,
      ['1 Main St', 'Springfield'],
      [
        ['A-1', 2],
        ['B-7', 1],
      ],
      order.total,
      undefined,
      order.labels,
      [uuidBytes(order.related?.[0] ?? '')],
    ]);
    expect(decodeValue(encodeValue(value, type), type)).toEqual(value);
    const bare = { ...value, shipTo: null, labels: undefined, related: undefined };
    expect(unpack(encodeValue(bare, type))).toHaveLength(5); // trailing undefined fields are left out
    expect(decodeValue(encodeValue(bare, type), type)).toEqual(bare);
  });

  it('round-trips a recursive zod object', () => {
    const tree: ZodTree = { label: 'a', children: [{ label: 'b', children: [] }] };
    expect(unpack(encodeValue(tree, ZodTreeType))).toEqual(['a', [['b', []]]]);
    expect(decodeValue(encodeValue(tree, ZodTreeType), ZodTreeType)).toEqual(tree);
  });

  it('returns the schema output: a field appended with a default is filled in for old values', () => {
    const V2 = schemaType(z.object({ name: z.string(), tier: z.enum(['free', 'pro']).default('free') }));
    const old = encodeValue(['Ann']);
    expect(decodeValue(old, V2)).toEqual({ name: 'Ann', tier: 'free' });
    expectTypeOf(decodeValue(old, V2)).toEqualTypeOf<{ name: string; tier: 'free' | 'pro' }>();
  });

  it('types reads and writes with the schema output', () => {
    expectTypeOf(decodeValue(encodeValue(alice, ZodUserType), ZodUserType)).toEqualTypeOf<ZodUser>();
    // @ts-expect-error -- age must be a number
    expect(() => encodeValue({ ...alice, age: '34' }, ZodUserType)).toThrow(CacheEncodeError);
    // @ts-expect-error -- `nmae` is not a field of the schema
    expect(schemaType(ArkUser, { fields: ['id', 'nmae'] }).fields).toEqual(['id', 'nmae']);
  });

  it('stores non-object schemas in their own shape: arrays of objects positionally, others as they are', () => {
    const Lines = schemaType(z.array(z.object({ sku: z.string(), qty: z.number() })), { name: 'Lines' });
    expect(Lines.fields).toEqual([]);
    expect(unpack(encodeValue([{ sku: 'A', qty: 1 }], Lines))).toEqual([['A', 1]]);
    expect(decodeValue(encodeValue([{ sku: 'A', qty: 1 }], Lines), Lines)).toEqual([{ sku: 'A', qty: 1 }]);
    const Email = schemaType(v.pipe(v.string(), v.email()));
    expect(Email.typeName).toBe('valibot value');
    expect(decodeValue(encodeValue('a@b.co', Email), Email)).toBe('a@b.co');
    expect(decodeError(() => decodeValue(encodeValue('nope'), Email)).issues[0]?.path).toBe('$input');
  });

  it('stores objects as msgpack maps with positional: false, and what a transform produces as it is', () => {
    const Point = schemaType(type({ x: 'number', y: 'number' }), { name: 'Point', positional: false });
    expect(unpack(encodeValue({ x: 1, y: 2 }, Point))).toEqual({ x: 1, y: 2 });
    expect(decodeError(() => decodeValue(encodeValue({ x: 1, y: 'b' }), Point)).issues[0]?.path).toBe(
      '$input.y',
    );
    const Trimmed = schemaType(
      v.pipe(
        v.object({ a: v.string() }),
        v.transform((value) => ({ a: value.a.trim() })),
      ),
    );
    expect(Trimmed.fields).toEqual([]);
    expect(unpack(encodeValue({ a: ' x ' }, Trimmed))).toEqual({ a: 'x' });
  });

  it('says what to do when it cannot read the field order (arktype) or the options contradict', () => {
    expect(() => schemaType(ArkUser)).toThrow(CacheTypeError);
    expect(() => schemaType(ArkUser)).toThrow(
      /cannot read the field order of a arktype schema .*pass \{ fields: \[\.\.\.\] \}.*\{ positional: false \}/,
    );
    expect(() => schemaType(ArkUser, { uuid: ['id'] })).toThrow(/uuid and nested need fields/);
    expect(() => schemaType(ArkUser, { positional: false, fields: ['id'] })).toThrow(
      /describe a positional layout/,
    );
    expect(() => schemaType(ArkUser, { fields: ['id', 'id'] })).toThrow(/duplicate field names/);
    expect(() => schemaType({ parse: () => 1 } as never)).toThrow(/expected a Standard Schema/);
  });

  it('refuses schemas that validate asynchronously', () => {
    expect(() => schemaType(v.objectAsync({ a: v.string() }))).toThrow(
      expect.objectContaining({ code: 'SCHEMA_ASYNC_UNSUPPORTED' }),
    );
    const Checked = schemaType(z.object({ a: z.string() }).refine(async () => Promise.resolve(true)));
    const error: unknown = (() => {
      try {
        return encodeValue({ a: 'x' }, Checked);
      } catch (failure) {
        return failure;
      }
    })();
    expect(error).toBeInstanceOf(CacheEncodeError);
    expect((error as CacheEncodeError).cause).toMatchObject({ code: 'SCHEMA_ASYNC_UNSUPPORTED' });
    expect(decodeError(() => decodeValue(encodeValue(['x']), Checked)).cause).toMatchObject({
      code: 'SCHEMA_ASYNC_UNSUPPORTED',
    });
  });

  it('takes a typia validator (a Standard Schema too) with fields, and points to struct() without', () => {
    const HandUser = schemaType(typia.createValidate<User>(), {
      name: 'User',
      fields: ['id', 'name', 'email', 'age', 'createdAt'],
      uuid: ['id'],
    });
    expect(encodeValue(alice, HandUser).equals(encodeValue(alice, UserType))).toBe(true);
    expect(decodeError(() => decodeValue(encodeValue({ ...alice, age: -1 }), HandUser)).issues).toEqual([
      { path: '$input.age', expected: 'number & Type<"uint32">', value: -1 },
    ]);
    expect(() => schemaType(typia.createValidate<User>())).toThrow(
      /use struct\(validate, typia\.reflect\.schema<T>\(\)\)/,
    );
  });
});
