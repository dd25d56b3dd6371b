import typia from 'typia';
import { Packr, unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  CacheDecodeError,
  CacheEncodeError,
  CacheTypeError,
  cachePackr,
  decodeValue,
  encodeValue,
  struct,
} from '../../../src/cache/codec/index.js';
import { decodeError } from './decode-error.js';
import {
  alice,
  HandOrderType,
  HandUserType,
  order,
  OrderType,
  StrictUserType,
  TreeType,
  UserType,
  type TreeNode,
  type User,
} from './fixtures.js';

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');

describe('struct types from typia.reflect.schema', () => {
  it('take the field order from the declaration', () => {
    expect(UserType.fields).toEqual(['id', 'name', 'email', 'age', 'createdAt']);
    expect(UserType.typeName).toBe('User');
    expect(OrderType.fields).toEqual([
      'id',
      'user',
      'shipTo',
      'lines',
      'total',
      'note',
      'labels',
      'meta',
      'related',
    ]);
  });

  it('round-trip a 5-field struct to an identical, validated object', () => {
    const bytes = encodeValue(alice, UserType);
    const back = decodeValue(bytes, UserType, 'user:1');
    expect(back).toEqual(alice);
    expect(back).not.toBe(alice);
    expect(back.createdAt).toBeInstanceOf(Date);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('are stored as a plain msgpack array in declared order, the UUID as 16 bytes', () => {
    const wire: unknown = unpack(encodeValue(alice, UserType));
    expect(wire).toEqual([uuidBytes(alice.id), alice.name, alice.email, alice.age, alice.createdAt]);
    const [id] = wire as [Buffer];
    expect(id).toHaveLength(16);
  });

  it('are at most 0.7× the size of JSON.stringify for a typical 5-field object', () => {
    const structBytes = encodeValue(alice, UserType).length;
    const jsonBytes = Buffer.byteLength(JSON.stringify(alice));
    expect(structBytes / jsonBytes).toBeLessThanOrEqual(0.7);
    // and smaller than the same object as a msgpack map
    expect(structBytes).toBeLessThan(encodeValue(alice).length);
  });

  it('store UUIDs in canonical lowercase', () => {
    const upper = { ...alice, id: alice.id.toUpperCase() };
    expect(decodeValue(encodeValue(upper, UserType), UserType).id).toBe(alice.id);
  });

  it('keep UUID forms other than the canonical one (urn:uuid:…) as strings', () => {
    const urn = { ...alice, id: `urn:uuid:${alice.id}` };
    const bytes = encodeValue(urn, UserType);
    expect((unpack(bytes) as unknown[])[0]).toBe(urn.id);
    expect(decodeValue(bytes, UserType)).toEqual(urn);
  });

  it('round-trip nested structs, optional and null fields, Date, bigint, Set, Map and UUID arrays', () => {
    const back = decodeValue(encodeValue(order, OrderType), OrderType, 'order');
    expect(back).toEqual(order);
    expect(back.total).toBe(order.total);
    expect(back.labels).toBeInstanceOf(Set);
    expect(back.meta).toBeInstanceOf(Map);
    expect(back.user.createdAt).toBeInstanceOf(Date);
  });

  it('encode nested structs and struct arrays positionally too', () => {
    const wire = unpack(encodeValue(order, OrderType)) as unknown[];
    expect(wire[0]).toEqual(uuidBytes(order.id));
    expect(wire[1]).toEqual([uuidBytes(alice.id), alice.name, alice.email, alice.age, alice.createdAt]);
    expect(wire[2]).toEqual(['1 Main St', 'Springfield']); // zip omitted
    expect(wire[3]).toEqual([
      ['A-1', 2],
      ['B-7', 1],
    ]);
    expect(wire[4]).toBe(order.total);
    expect(wire[5]).toBeUndefined(); // note, missing in the middle
    expect(wire[8]).toEqual([uuidBytes('9c5b94b1-35ad-49bb-b118-8e8fc24abf80')]);
  });

  it('omit trailing undefined fields and leave missing optional fields out of the result', () => {
    const minimal = { id: order.id, user: alice, lines: [], total: 0n };
    const bytes = encodeValue(minimal, OrderType);
    expect(unpack(bytes)).toHaveLength(5);
    const back = decodeValue(bytes, OrderType);
    expect(back).toEqual(minimal);
    expect(Object.keys(back)).toEqual(['id', 'user', 'lines', 'total']);

    const withNull = decodeValue(encodeValue({ ...minimal, shipTo: null, note: 'x' }, OrderType), OrderType);
    expect(withNull.shipTo).toBeNull();
    expect(withNull.note).toBe('x');
  });

  it('round-trip recursive types', () => {
    const tree: TreeNode = {
      label: 'root',
      children: [{ label: 'a', children: [{ label: 'a1', children: [] }] }],
    };
    const bytes = encodeValue(tree, TreeType);
    expect(unpack(bytes)).toEqual(['root', [['a', [['a1', []]]]]]);
    expect(decodeValue(bytes, TreeType)).toEqual(tree);
  });

  it('read values stored as a plain msgpack map (e.g. written without a type)', () => {
    expect(decodeValue(encodeValue(alice), UserType)).toEqual(alice);
    const other = new Packr({ useRecords: false, variableMapSize: true }); // another client
    expect(decodeValue(other.pack({ ...alice }), UserType)).toEqual(alice);
  });

  it('do not store properties that are not fields', () => {
    const extra = { ...alice, password: 'secret' };
    const back = decodeValue(encodeValue(extra, UserType), UserType);
    expect(back).toEqual(alice);
    expect(back).not.toHaveProperty('password');
  });
});

describe('struct types laid out by hand', () => {
  it('encode exactly like the schema-derived ones', () => {
    expect(HandUserType.fields).toEqual(UserType.fields);
    expect(encodeValue(alice, HandUserType)).toEqual(encodeValue(alice, UserType));
    expect(encodeValue(order, HandOrderType)).toEqual(encodeValue(order, OrderType));
    expect(decodeValue(encodeValue(order, OrderType), HandOrderType)).toEqual(order);
  });

  it('refuse inconsistent layouts', () => {
    const validate = typia.createValidate<User>();
    expect(() => struct(validate, { fields: ['id', 'name'], uuid: ['email'] })).toThrow(CacheTypeError);
    expect(() => struct(validate, { fields: ['id', 'id'] })).toThrow(/duplicate/);
    expect(() => struct(validate, { fields: ['id'], nested: { age: UserType } })).toThrow(CacheTypeError);
  });

  it('refuse schemas that are not a single object type', () => {
    const error = (() => {
      try {
        struct(typia.createValidate<User | string>() as never, typia.reflect.schema<User | string>());
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CacheTypeError);
    expect((error as CacheTypeError).code).toBe('CACHE_TYPE_INVALID');
    expect(() => struct(typia.createValidate<string[]>() as never, typia.reflect.schema<string[]>())).toThrow(
      CacheTypeError,
    );
  });
});

describe('struct validation', () => {
  it('raises CacheDecodeError with key, expected type and typia errors for a wrong field', () => {
    const stored = encodeValue({ ...alice, age: 'old' });
    const error = decodeError(() => decodeValue(stored, UserType, 'user:1'));
    expect(error.code).toBe('CACHE_DECODE_FAILED');
    expect(error.key).toBe('user:1');
    expect(error.expected).toBe('User');
    expect(error.cause).toEqual([expect.objectContaining({ path: '$input.age', value: 'old' })]);
    expect(error.issues).toBe(error.cause);
    expect(error.message).toContain('user:1');
    expect(error.message).toContain('$input.age');
  });

  it('validates positional values too (wrong field, bad UUID bytes, too many values)', () => {
    const ok = [uuidBytes(alice.id), alice.name, alice.email, alice.age, alice.createdAt];
    const wrongAge = cachePackr.pack([...ok.slice(0, 3), -1, alice.createdAt]);
    expect(decodeError(() => decodeValue(wrongAge, UserType)).issues[0]?.path).toBe('$input.age');

    const shortId = cachePackr.pack([Buffer.alloc(3), ...ok.slice(1)]);
    expect(decodeError(() => decodeValue(shortId, UserType)).issues[0]?.path).toBe('$input.id');

    const tooMany = cachePackr.pack([...ok, 'extra']);
    expect(decodeError(() => decodeValue(tooMany, UserType)).issues[0]?.path).toBe('$input');

    const missing = cachePackr.pack(ok.slice(0, 2));
    expect(decodeError(() => decodeValue(missing, UserType)).issues.map((issue) => issue.path)).toEqual([
      '$input.email',
      '$input.age',
      '$input.createdAt',
    ]);
  });

  it('reports errors inside nested structs by their path', () => {
    const wire = unpack(encodeValue(order, OrderType)) as unknown[];
    (wire[1] as unknown[])[3] = 'thirty';
    const error = decodeError(() => decodeValue(cachePackr.pack(wire), OrderType, 'o'));
    expect(error.issues[0]?.path).toBe('$input.user.age');
  });

  it('refuses values of another type', () => {
    for (const stored of [42, 'user', [], null, new Set([1]), new Map([['id', alice.id]])]) {
      const error = decodeError(() => decodeValue(encodeValue(stored), UserType, 'k'));
      expect(error.expected).toBe('User');
      expect(error.issues.length).toBeGreaterThan(0);
    }
  });

  it('validates on encode: a wrongly typed struct is never written', () => {
    const bad: User = { ...alice, email: 'not-an-email' };
    let caught: unknown;
    try {
      encodeValue(bad, UserType, { key: 'user:1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheEncodeError);
    const error = caught as CacheEncodeError;
    expect(error.code).toBe('CACHE_ENCODE_FAILED');
    expect(error.key).toBe('user:1');
    expect(error.expected).toBe('User');
    expect(error.issues[0]?.path).toBe('$input.email');
  });

  it('with createValidateEquals, refuses extra properties', () => {
    expect(() => encodeValue({ ...alice, extra: 1 } as User, StrictUserType)).toThrow(CacheEncodeError);
    expect(() => decodeValue(encodeValue({ ...alice, extra: 1 }), StrictUserType)).toThrow(CacheDecodeError);
    expect(decodeValue(encodeValue(alice, StrictUserType), StrictUserType)).toEqual(alice);
  });
});
