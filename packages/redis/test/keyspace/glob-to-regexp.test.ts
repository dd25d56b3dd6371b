import { describe, expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { escapeGlob, globToRegExp, isLiteralGlob } from '../../src/keyspace/glob-to-regexp.js';

const matches = (pattern: string, text: string): boolean => globToRegExp(pattern).test(text);

describe('globToRegExp', () => {
  it('matches * as any run, also empty and across separators', () => {
    expect(matches('user-*', 'user-')).toBe(true);
    expect(matches('user-*', 'user-1/2:3')).toBe(true);
    expect(matches('user-*', 'xuser-1')).toBe(false);
    expect(matches('*-end', 'a-b-end')).toBe(true);
    expect(matches('a**b', 'ab')).toBe(true);
    expect(matches('*', '')).toBe(true);
  });

  it('matches ? as exactly one character', () => {
    expect(matches('h?llo', 'hello')).toBe(true);
    expect(matches('h?llo', 'hllo')).toBe(false);
    expect(matches('h?llo', 'heello')).toBe(false);
    expect(matches('?', '\n')).toBe(true);
  });

  it('matches classes, ranges, negation and reversed ranges', () => {
    expect(matches('h[ae]llo', 'hallo')).toBe(true);
    expect(matches('h[ae]llo', 'hillo')).toBe(false);
    expect(matches('h[^e]llo', 'hallo')).toBe(true);
    expect(matches('h[^e]llo', 'hello')).toBe(false);
    expect(matches('h[a-c]llo', 'hbllo')).toBe(true);
    expect(matches('h[a-c]llo', 'hdllo')).toBe(false);
    expect(matches('h[c-a]llo', 'hbllo')).toBe(true);
    expect(matches('[-a]', '-')).toBe(true);
    expect(matches('[]]', ']')).toBe(false);
  });

  it('treats backslash escapes and RegExp syntax literally', () => {
    expect(matches('a\\*b', 'a*b')).toBe(true);
    expect(matches('a\\*b', 'axb')).toBe(false);
    expect(matches('a\\?', 'a?')).toBe(true);
    expect(matches('[\\]]', ']')).toBe(true);
    expect(matches('a.b', 'a.b')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('(x)+{1}|$^', '(x)+{1}|$^')).toBe(true);
    expect(matches('trailing\\', 'trailing\\')).toBe(true);
  });

  it('runs an unclosed class to the end of the pattern, as Redis does', () => {
    expect(matches('a[bc', 'ab')).toBe(true);
    expect(matches('a[bc', 'a[bc')).toBe(false);
  });

  it('escapes text into a literal glob', () => {
    const text = 'we*ird?[key]\\';
    expect(isLiteralGlob(text)).toBe(false);
    expect(isLiteralGlob(escapeGlob(text))).toBe(false);
    expect(matches(escapeGlob(text), text)).toBe(true);
    expect(matches(escapeGlob(text), 'weXirdY[key]\\')).toBe(false);
    expect(isLiteralGlob('plain:key')).toBe(true);
  });
});

const KEYS = [
  'user-1',
  'user-22',
  'user-',
  'User-1',
  'hello',
  'hallo',
  'hillo',
  'heello',
  'a*b',
  'axb',
  'a?',
  'a]',
  'k[1]',
  'k1',
  'x-y',
  'dot.key',
  'dotxkey',
  'émoji-✓',
  'tab\tkey',
];
const PATTERNS = [
  '*',
  'user-*',
  'user-?',
  'h?llo',
  'h[ae]llo',
  'h[^e]llo',
  'h[a-h]llo',
  'a\\*b',
  'a\\?',
  'a[\\]]',
  'k\\[1\\]',
  'k[1]',
  '*-*',
  'dot.key',
  '*[xy]*',
  'tab?key',
  'U*',
];

describeBoth(
  'globToRegExp against Redis KEYS',
  (target) => {
    it('selects exactly the keys Redis selects', async () => {
      const client = target.client();
      await target.flush();
      for (const key of KEYS) await client.set(key, '1');
      for (const pattern of PATTERNS) {
        const redis = (await client.keys(pattern)).sort();
        const ours = KEYS.filter((key) => matches(pattern, key)).sort();
        expect({ pattern, keys: ours }).toEqual({ pattern, keys: redis });
      }
    });
  },
  { modes: ['standalone'] },
);
