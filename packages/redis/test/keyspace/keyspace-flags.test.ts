import { describe, expect, it } from 'vitest';
import {
  eventClassOf,
  formatEventClasses,
  missingNotifyFlags,
  parseEventClasses,
  parseNotifyConfig,
} from '../../src/keyspace/keyspace-flags.js';
import { keySlot } from '../../src/cluster/key-slot.js';
import { hashTagForRanges } from '../../src/keyspace/slot-ranges.js';

describe('keyspace flags', () => {
  it('parses class flags, expanding A and ignoring K and E', () => {
    expect([...parseEventClasses('A')].sort()).toEqual(['$', 'd', 'e', 'g', 'h', 'l', 's', 't', 'x', 'z']);
    expect([...parseEventClasses('KEg$')].sort()).toEqual(['$', 'g']);
    expect([...parseEventClasses('Amn')]).toContain('m');
  });

  it('rejects unknown flags and empty sets with KEYSPACE_SETTINGS_INVALID', () => {
    expect(() => parseEventClasses('gq')).toThrow(
      expect.objectContaining({ code: 'KEYSPACE_SETTINGS_INVALID' }),
    );
    expect(() => parseEventClasses('KE')).toThrow(/No keyspace event class/);
  });

  it('formats classes with A for the full group', () => {
    expect(formatEventClasses(parseEventClasses('g$lshzxetd'))).toBe('A');
    expect(formatEventClasses(parseEventClasses('Am'))).toBe('Am');
    expect(formatEventClasses(parseEventClasses('hg'))).toBe('gh');
  });

  it('computes the flags a server value lacks, never asking to remove one', () => {
    expect(missingNotifyFlags('', new Set(['$', 'g']))).toBe('Kg$');
    expect(missingNotifyFlags('AKE', new Set(['$', 'g', 'x']))).toBe('');
    expect(missingNotifyFlags('Ex', new Set(['x', 'h']))).toBe('Kh');
    expect(missingNotifyFlags('Kh', new Set(['h']))).toBe('');
    expect(parseNotifyConfig('AKE')).toMatchObject({ keyspace: true, keyevent: true });
  });

  it('classifies event names', () => {
    expect(eventClassOf('set')).toBe('$');
    expect(eventClassOf('incrby')).toBe('$');
    expect(eventClassOf('del')).toBe('g');
    expect(eventClassOf('expire')).toBe('g');
    expect(eventClassOf('rename_to')).toBe('g');
    expect(eventClassOf('expired')).toBe('x');
    expect(eventClassOf('evicted')).toBe('e');
    expect(eventClassOf('lpush')).toBe('l');
    expect(eventClassOf('rpop')).toBe('l');
    expect(eventClassOf('sadd')).toBe('s');
    expect(eventClassOf('hset')).toBe('h');
    expect(eventClassOf('hincrbyfloat')).toBe('h');
    expect(eventClassOf('zadd')).toBe('z');
    expect(eventClassOf('xadd')).toBe('t');
    expect(eventClassOf('xgroup-create')).toBe('t');
    expect(eventClassOf('new')).toBe('n');
    expect(eventClassOf('keymiss')).toBe('m');
    expect(eventClassOf('my.module.event')).toBe('d');
  });
});

describe('keySlot', () => {
  it('computes Redis Cluster slots, with hash tags', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('hello')).toBe(866);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
  });

  it('finds a hash tag in given slot ranges', () => {
    const ranges = [{ from: 100, to: 120 }];
    const tag = hashTagForRanges(ranges);
    expect(tag).toBeDefined();
    const slot = keySlot(`x{${tag}}y`);
    expect(slot).toBeGreaterThanOrEqual(100);
    expect(slot).toBeLessThanOrEqual(120);
    expect(hashTagForRanges([])).toBeUndefined();
  });
});
