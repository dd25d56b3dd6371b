import { describe, expect, it } from 'vitest';
import { formatPath } from '../../src/config/config-path.js';
import { toCamelCase, toSnakeCase } from '../../src/config/key-case.js';
import { suggestName } from '../../src/config/suggest-name.js';
import { cleanExpected, parseTypiaPath } from '../../src/config/typia-issues.js';

describe('key spelling', () => {
  it.each([
    ['max_batch_size', 'maxBatchSize'],
    ['maxBatchSize', 'maxBatchSize'],
    ['group_id', 'groupId'],
    ['retry_2x', 'retry2x'],
    ['_private', '_private'],
    ['TLS_CA', 'TLS_CA'],
  ])('camelCases %s as %s', (key, camel) => {
    expect(toCamelCase(key)).toBe(camel);
  });

  it('snake_cases camelCase keys', () => {
    expect(toSnakeCase('maxBatchSize')).toBe('max_batch_size');
    expect(toSnakeCase('host')).toBe('host');
  });
});

describe('suggestName', () => {
  const classes = ['RedisCache', 'RedisListener', 'RedisTransportService', 'RedisStreamRPCClient'];

  it('suggests a close name, ignoring case and snake/camel spelling', () => {
    expect(suggestName('RedisTransportServise', classes)).toBe('RedisTransportService');
    expect(suggestName('rediscache', classes)).toBe('RedisCache');
    expect(suggestName('max_batch_sise', ['maxBatchSize', 'maxWaitTimeMs'])).toBe('maxBatchSize');
  });

  it('suggests nothing when no name is reasonably close', () => {
    expect(suggestName('Postgres', classes)).toBeUndefined();
    expect(suggestName('prot', ['host'])).toBeUndefined();
    expect(suggestName('anything', [])).toBeUndefined();
  });
});

describe('typia paths and expectations', () => {
  it('parses typia paths into segments', () => {
    expect(parseTypiaPath('$input.maxBatchSize')).toEqual(['maxBatchSize']);
    expect(parseTypiaPath('$input.tls.ca')).toEqual(['tls', 'ca']);
    expect(parseTypiaPath('$input.nodes[2]')).toEqual(['nodes', 2]);
    expect(parseTypiaPath('$input["redis-host"].x')).toEqual(['redis-host', 'x']);
    expect(parseTypiaPath('$input')).toEqual([]);
  });

  it('formats paths the way issues show them', () => {
    expect(formatPath(['services', 4, 'settings', 'max_batch_size'])).toBe(
      'services[4].settings.max_batch_size',
    );
    expect(formatPath(['vars', 'a.b', 0])).toBe('vars["a.b"][0]');
  });

  it.each([
    ['(string | undefined)', 'string'],
    ['((number & Type<"uint32"> & Minimum<1>) | undefined)', 'number & Type<"uint32"> & Minimum<1>'],
    ['("a" | "b" | undefined)', '"a" | "b"'],
    ['number & Type<"uint32">', 'number & Type<"uint32">'],
    ['(A) | (B)', '(A) | (B)'],
    ['undefined', 'undefined'],
  ])('cleans %s into %s', (expected, cleaned) => {
    expect(cleanExpected(expected)).toBe(cleaned);
  });
});
