import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/env-file.js';
import { parseVarArgs } from '../../src/config/parse-var-args.js';
import { configIssuesOf } from './helpers/config-issues.js';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines, comments, quotes and export', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=value',
      '  SPACED = padded value  ',
      'export EXPORTED=yes',
      'DOUBLE="two words # not a comment"',
      "SINGLE='raw \\n text'",
      'ESCAPED="line1\\nline2 \\"q\\""',
      'INLINE=value # trailing comment',
      'EMPTY=',
      'EQUALS=a=b',
      'PLAIN=later wins',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      PLAIN: 'later wins',
      SPACED: 'padded value',
      EXPORTED: 'yes',
      DOUBLE: 'two words # not a comment',
      SINGLE: 'raw \\n text',
      ESCAPED: 'line1\nline2 "q"',
      INLINE: 'value',
      EMPTY: '',
      EQUALS: 'a=b',
    });
  });

  it('reports every malformed line with its line number', () => {
    const issues = configIssuesOf(() => parseEnvFile('OK=1\nno equals sign\nQ="unterminated\n', 'prod.env'));
    expect(issues).toMatchObject([
      { file: 'prod.env', line: 2, message: 'expected KEY=VALUE' },
      { file: 'prod.env', line: 3, path: 'Q' },
    ]);
  });

  it('treats __proto__ as an ordinary key', () => {
    const values = parseEnvFile('__proto__=x');
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(values['__proto__']).toBe('x');
  });
});

describe('parseVarArgs', () => {
  it('splits at the first = and lets a later value win', () => {
    expect(parseVarArgs(['a=1', 'url=redis://h:1/0?x=y', 'empty=', 'a=2'])).toEqual({
      a: '2',
      url: 'redis://h:1/0?x=y',
      empty: '',
    });
  });

  it('reports every argument that is not key=value', () => {
    const issues = configIssuesOf(() => parseVarArgs(['ok=1', 'novalue', '=x', '1bad=y']));
    expect(issues.map((issue) => issue.got)).toEqual(['novalue', '=x', '1bad=y']);
    expect(issues[0]).toMatchObject({ path: '--var', message: 'expected key=value' });
  });
});
