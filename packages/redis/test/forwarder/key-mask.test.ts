import { describe, expect, it } from 'vitest';
import { keyMaskFilter, matchKeyMask } from '../../src/forwarder/key-mask.js';
import { encodeEventBody } from '../../src/forwarder/forwarded-event.js';
import { keyspaceForwarderSettings } from '../../src/forwarder/keyspace-forwarder-settings.js';

describe('key masks', () => {
  it.each([
    ['^user:.*$', 'user:1', true],
    ['^user:.*$', 'a:user:1', false],
    ['user', 'a:user:1', true],
    ['^user', 'user', true],
    ['^user$', 'user:1', false],
    ['^u.er$', 'uxer', true],
    ['^u.er$', 'uer', false],
    ['^ab*c$', 'ac', true],
    ['^ab*c$', 'abbbc', true],
    ['^ab*c$', 'abxc', false],
    ['1$', 'k:1', true],
    ['1$', 'k:10', false],
    ['a$b', 'xa$by', true],
    ['^a^b', 'a^b', true],
    ['^.*:x$', 'é:ü:x', true],
    ['^..$', 'éü', true],
    ['', 'anything', true],
  ])('%s on %s → %s', (mask, key, expected) => {
    expect(matchKeyMask(mask, key)).toBe(expected);
  });

  it('ORs several masks, and ALL matches everything', () => {
    const filter = keyMaskFilter(['^a:', '^b:']);
    expect(filter('a:1')).toBe(true);
    expect(filter('b:1')).toBe(true);
    expect(filter('c:1')).toBe(false);
    expect(keyMaskFilter(['^a:', 'ALL'])('c:1')).toBe(true);
    expect(keyMaskFilter([])('c:1')).toBe(true);
  });
});

describe('event bodies and settings', () => {
  const event = { db: 2, event: 'set', key: 'k:1', ts: 1700000000000, id: 'x-1' };
  it('encodes json and text bodies', () => {
    expect(JSON.parse(encodeEventBody(event, 'json').toString())).toEqual({
      db: 2,
      event: 'set',
      key: 'k:1',
      ts: 1700000000000,
    });
    expect(encodeEventBody(event, 'text').toString()).toBe('2\nset\nk:1');
  });

  it('validates flags and rejects unknown keys', () => {
    expect(keyspaceForwarderSettings.validate({ events: 'g$lshzxetdA', masks: ['^a.*$'] }).success).toBe(
      true,
    );
    expect(keyspaceForwarderSettings.validate({ events: 'gm' }).success).toBe(false);
    expect(keyspaceForwarderSettings.validate({ format: 'xml' }).success).toBe(false);
    expect(keyspaceForwarderSettings.validate({ fallbackStorageSize: -1 }).success).toBe(true);
    expect(keyspaceForwarderSettings.validate({ mask: ['x'] }).success).toBe(false);
  });
});
