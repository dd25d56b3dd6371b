import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/namespace/namespace.js';

describe('Namespace', () => {
  it('builds kaiju-style keys', () => {
    const ns = new Namespace('dev', 'orders');
    expect(ns.key('x')).toBe('dev.orders.x');
    expect(ns.key('cache', 42)).toBe('dev.orders.cache.42');
    expect(ns.child('locks').key('a')).toBe('dev.orders.locks.a');
    expect(ns.pattern()).toBe('dev.orders.*');
    expect(String(ns)).toBe('dev.orders');
  });

  it('rejects parts containing the separator or empty parts', () => {
    const ns = new Namespace('dev', 'orders');
    expect(() => ns.key('a.b')).toThrow(expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }));
    expect(() => ns.key('')).toThrow(expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }));
    expect(() => ns.key()).toThrow(expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }));
    expect(() => new Namespace('dev.x', 'app')).toThrow(
      expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }),
    );
    expect(() => ns.child('a.b')).toThrow(expect.objectContaining({ code: 'NAMESPACE_INVALID_KEY' }));
  });
});
