import { describe, expect, it } from 'vitest';
import { Packr } from 'msgpackr';
import { StreamMessageError } from '../../src/streams/stream-errors.js';
import { deadLetterKey, hashTagOf, isReplyStreamKey } from '../../src/streams/stream-keys.js';
import {
  decodeStreamMessage,
  encodeStreamMessage,
  messagePayload,
  parseRpcBody,
} from '../../src/streams/wire-format.js';

describe('stream wire format', () => {
  it('encodes [body, headers] as plain MessagePack', () => {
    const bytes = encodeStreamMessage(['ext.echo', { a: 1 }], {});
    expect([...bytes]).toEqual([0x92, 0x92, 0xa8, ...Buffer.from('ext.echo'), 0x81, 0xa1, 0x61, 0x01, 0x80]);
    expect(decodeStreamMessage(bytes)).toEqual({ body: ['ext.echo', { a: 1 }], headers: {} });
  });

  it('writes undefined as nil and reads what a records-free encoder writes', () => {
    expect(decodeStreamMessage(encodeStreamMessage(['m', undefined]))).toEqual({
      body: ['m', null],
      headers: {},
    });
    const foreign = new Packr({ useRecords: false }).pack([
      ['m', { large: 2 ** 40, nested: [1, 'x'] }],
      null,
    ]);
    expect(decodeStreamMessage(foreign)).toEqual({
      body: ['m', { large: 2 ** 40, nested: [1, 'x'] }],
      headers: {},
    });
  });

  it('reads large 64-bit integers as numbers when safe, else as bigints', () => {
    // fixarray(2) [ uint64 2^40, uint64 2^63 ] as body, empty map as headers
    const bytes = Buffer.from([
      0x92, 0x92, 0xcf, 0, 0, 0x01, 0, 0, 0, 0, 0, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80,
    ]);
    expect(decodeStreamMessage(bytes).body).toEqual([2 ** 40, 2n ** 63n]);
  });

  it('finds the "_" field among others', () => {
    const payload = Buffer.from([0x91, 0xc0]);
    expect(messagePayload([Buffer.from('x'), Buffer.from('1'), Buffer.from('_'), payload])).toBe(payload);
    expect(() => messagePayload([Buffer.from('x'), Buffer.from('1')])).toThrow(StreamMessageError);
    expect(() => messagePayload(null)).toThrow(/no fields/);
  });

  it.each([
    [Buffer.from([0x92, 0xa8, 0x61]), /not valid MessagePack/],
    [Buffer.from([0xc1]), /\[body, headers\]/],
    [encodeStreamMessage(1).subarray(1), /MessagePack|\[body, headers\]/],
    [new Packr({ useRecords: false }).pack('just text'), /\[body, headers\]/],
    [new Packr({ useRecords: false }).pack([1, 2, 3]), /\[body, headers\]/],
    [new Packr({ useRecords: false }).pack([['m'], [1]]), /headers of a message must be a map/],
  ])('refuses malformed messages (%#)', (bytes, message) => {
    expect(() => decodeStreamMessage(bytes)).toThrow(message);
  });

  it('reads single calls, batches and call objects', () => {
    expect(parseRpcBody(['a.b', { x: 1 }])).toEqual({
      calls: [{ method: 'a.b', params: { x: 1 } }],
      batch: false,
    });
    expect(parseRpcBody(['a.b'])).toEqual({ calls: [{ method: 'a.b', params: undefined }], batch: false });
    expect(parseRpcBody([['a.b', [1]], { method: 'c.d', params: null }])).toEqual({
      calls: [
        { method: 'a.b', params: [1] },
        { method: 'c.d', params: null },
      ],
      batch: true,
    });
    expect(parseRpcBody({ method: 'a.b', params: {} }).batch).toBe(false);
  });

  it.each([[42], [null], [[]], [['a', 1, 2]], [[['a'], 'b']], [{ params: {} }], [[1, 2]]])(
    'refuses body %j',
    (body) => {
      expect(() => parseRpcBody(body)).toThrow(StreamMessageError);
    },
  );
});

describe('stream keys', () => {
  it('puts the dead-letter stream in the slot of the stream', () => {
    expect(deadLetterKey('dev.app._stream.rpc')).toBe('{dev.app._stream.rpc}._dead');
    expect(hashTagOf(deadLetterKey('dev.app._stream.rpc'))).toBe('dev.app._stream.rpc');
    expect(deadLetterKey('{dev.app}._stream.rpc')).toBe('{dev.app}._stream.rpc._dead');
    expect(hashTagOf('a{}b')).toBe('a{}b');
    expect(hashTagOf('x{tag}y{z}')).toBe('tag');
  });

  it('accepts only reply streams of the env as Reply-To', () => {
    expect(isReplyStreamKey('dev.app._reply.abc', 'dev')).toBe(true);
    expect(isReplyStreamKey('prod.app._reply.abc', 'dev')).toBe(false);
    expect(isReplyStreamKey('dev.app._stream.rpc', 'dev')).toBe(false);
    expect(isReplyStreamKey('dev.app._reply.abc.more', 'dev')).toBe(false);
    expect(isReplyStreamKey('important-key', 'dev')).toBe(false);
  });
});
