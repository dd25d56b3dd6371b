import { describe, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { crc16, hashTagOf, keySlot } from '../../src/cluster/key-slot.js';
import { sameSlotKey } from '../../src/cluster/same-slot-key.js';
import { fenceKeyOf } from '../../src/locks/fence-key.js';

const SAMPLE_KEYS = [
  'a',
  'foo',
  'dev.app.lock',
  'user:{42}:profile',
  '{user1000}.following',
  'foo{}{bar}',
  'foo{{bar}}zap',
  'foo{bar}{zap}',
  '{}',
  'a}b',
  '}{',
  'x{',
  'ключ:{тег}',
  '🔒 lock',
];

describe('key slots', () => {
  it('computes CRC16-XMODEM and the slots Redis documents', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('hello')).toBe(866);
    expect(keySlot(Buffer.from('foo'))).toBe(12182);
    expect(keySlot(new Uint8Array(Buffer.from('{user1000}.a')))).toBe(keySlot('user1000'));
  });

  it('finds hash tags as Redis does', () => {
    expect(hashTagOf('user:{42}:profile')).toBe('42');
    expect(hashTagOf('foo{}{bar}')).toBeUndefined();
    expect(hashTagOf('foo{{bar}}zap')).toBe('{bar');
    expect(hashTagOf('foo{bar}{zap}')).toBe('bar');
    expect(hashTagOf('plain')).toBeUndefined();
    expect(keySlot('user:{42}:a')).toBe(keySlot('user:{42}:b'));
  });

  it('derives fence keys that are readable', () => {
    expect(fenceKeyOf('dev.app.lock')).toBe('{dev.app.lock}:fence');
    expect(fenceKeyOf('lock:{order:7}')).toBe('lock:{order:7}:fence');
    expect(fenceKeyOf('a}b')).toMatch(/^\{[0-9a-z]+\}:fence:a\}b$/);
  });

  it('puts every companion key in its key slot', () => {
    for (const key of SAMPLE_KEYS) {
      expect(keySlot(fenceKeyOf(key)), key).toBe(keySlot(key));
      expect(keySlot(sameSlotKey(key, ':lease')), key).toBe(keySlot(key));
    }
  });
});

describeBoth(
  'key slots agree with CLUSTER KEYSLOT',
  (target) => {
    it('for lock keys and their fence keys', async () => {
      const client = target.client();
      for (const key of SAMPLE_KEYS) {
        const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
        expect(keySlot(key), key).toBe(slot);
        expect(Number(await client.call('CLUSTER', 'KEYSLOT', fenceKeyOf(key))), key).toBe(slot);
      }
    });
  },
  { modes: ['cluster'] },
);
