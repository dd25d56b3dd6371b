import { describe, expect, it } from 'vitest';
import { cachePackr, decodeValue, encodeValue, MAP_EXTENSION_TYPE } from '../../../src/cache/codec/index.js';
import { decodeError } from './decode-error.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('values without a type', () => {
  it('round-trip nested Date, Set, Map, bigint, bytes, undefined', () => {
    const value = {
      when: new Date('2030-01-02T03:04:05.006Z'),
      tags: new Set(['a', new Map([['inSet', 1]])]),
      index: new Map<unknown, unknown>([
        [1, 'number key'],
        ['nested', new Map([[{ k: 1 }, [new Map()]]])],
        ['__proto__', 'a key like any other'],
      ]),
      big: 2n ** 70n,
      id: 123n,
      raw: Buffer.from([1, 2, 3]),
      typed: new Uint8Array([4, 5]),
      list: [1, 'two', null, undefined, [new Date(0)]],
      missing: undefined,
      float: 0.1,
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.index.get('__proto__')).toBe('a key like any other');
    expect(Buffer.isBuffer(back.raw)).toBe(true);
    expect(back.typed).toBeInstanceOf(Uint8Array);
    expect(Object.hasOwn(back, 'missing')).toBe(true);
  });

  it('never mutate the value being encoded', () => {
    const inner = new Map([['x', 1]]);
    const value = { list: [inner], set: new Set([inner]) };
    encodeValue(value);
    expect(value.list[0]).toBe(inner);
    expect([...value.set][0]).toBe(inner);
  });

  it('write plain, interoperable msgpack for scalars, arrays and objects', () => {
    expect(hex(encodeValue('abc'))).toBe('a3616263');
    expect(hex(encodeValue(1))).toBe('01');
    expect(hex(encodeValue(-1))).toBe('ff');
    expect(hex(encodeValue(300))).toBe('cd012c');
    expect(hex(encodeValue(1.5))).toBe('cb3ff8000000000000');
    expect(hex(encodeValue(true))).toBe('c3');
    expect(hex(encodeValue(null))).toBe('c0');
    expect(hex(encodeValue([1, 'x']))).toBe('9201a178');
    expect(hex(encodeValue({ a: 1 }))).toBe('81a16101'); // fixmap, no record extension
    expect(hex(encodeValue(Buffer.from([1, 2])))).toBe('c4020102'); // bin 8
    expect(hex(encodeValue(new Date(1000)))).toBe('d6ff00000001'); // timestamp 32 (ext -1)
  });

  it('tag Maps with the m extension and Sets with msgpackr’s s extension', () => {
    expect(MAP_EXTENSION_TYPE).toBe(0x6d);
    expect(hex(encodeValue(new Map([['a', 1]])))).toBe('d46d0092a16101');
    expect(hex(encodeValue(new Set([1])))).toBe('d473009101');
    expect(decodeValue(Buffer.from('d46d0092a16101', 'hex'))).toEqual(new Map([['a', 1]]));
  });

  it('decode maps written by other clients as plain objects', () => {
    // {"name": "x", "n": 7} with a map16 header, as some encoders write it
    expect(decodeValue(Buffer.from('de0002a46e616d65a178a16e07', 'hex'))).toEqual({ name: 'x', n: 7 });
  });
});

describe('__proto__ keys', () => {
  // {"__proto__": {"polluted": true}, "a": 1}
  const fixmap = Buffer.from('82a95f5f70726f746f5f5f81a8706f6c6c75746564c3a16101', 'hex');
  const map16 = Buffer.from('de0002a95f5f70726f746f5f5f81a8706f6c6c75746564c3a16101', 'hex');
  // [{"__proto__": {"polluted": true}}]
  const nested = Buffer.from('9181a95f5f70726f746f5f5f81a8706f6c6c75746564c3', 'hex');

  it.each([
    ['fixmap', fixmap],
    ['map16', map16],
  ])('in a %s neither pollute prototypes nor change the result’s prototype', (_name, bytes) => {
    for (const type of [undefined, Object] as const) {
      const value = (type === undefined ? decodeValue(bytes) : decodeValue(bytes, type)) as Record<
        string,
        unknown
      >;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(value.polluted).toBeUndefined();
      expect(value.a).toBe(1);
      expect(Object.hasOwn(value, '__proto__')).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('nested in an array', () => {
    const [value] = decodeValue(nested, Array) as [Record<string, unknown>];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('in a value being encoded is written as an own key, without touching the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "m": {}}') as Record<string, unknown>;
    parsed.m = new Map([['k', 1]]); // forces the Map-tagging copy of this object
    const back = decodeValue(encodeValue(parsed)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back.polluted).toBeUndefined();
    expect(back.m).toEqual(new Map([['k', 1]]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('bytes that are not one MessagePack value', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['plain text', Buffer.from('hello world')],
    ['JSON text', Buffer.from('{"a":1}')],
    ['trailing garbage', Buffer.concat([cachePackr.pack({ a: 1 }), Buffer.from([0xff])])],
    ['truncated string', Buffer.from('a56162', 'hex')],
    ['array claiming 2^32 items', Buffer.from('ddffffffff', 'hex')],
    ['never-used byte 0xc1', Buffer.from('c1', 'hex')],
    ['unknown extension', Buffer.from('d41001', 'hex')],
    ['structured-clone pointer', Buffer.from('d67000000001', 'hex')],
    ['Set tag without an array', Buffer.from('d4730005', 'hex')],
    ['Map tag with an odd entry list', Buffer.from('d46d009101', 'hex')],
  ];

  it.each(cases)('%s → CacheDecodeError with the msgpack error as cause', (_name, bytes) => {
    for (const type of [undefined, Object, Set, String] as const) {
      const error = decodeError(() =>
        type === undefined ? decodeValue(bytes, undefined, 'k') : decodeValue(bytes, type, 'k'),
      );
      expect(error.code).toBe('CACHE_DECODE_FAILED');
      expect(error.key).toBe('k');
      expect(error.expected).toBe(type === undefined ? 'msgpack value' : type.name);
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.issues).toEqual([]);
    }
  });
});
