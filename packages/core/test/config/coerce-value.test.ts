import { describe, expect, it } from 'vitest';
import { coerceValue } from '../../src/config/coerce-value.js';

describe('coerceValue', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['false', false],
    ['False', false],
    ['null', null],
    ['None', null],
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
    ['3.5', 3.5],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['1e3', 1000],
    ['2.5E-1', 0.25],
  ])('turns %j into %j', (text, value) => {
    expect(coerceValue(text)).toBe(value);
  });

  it.each([
    'TRUE',
    'yes',
    'none',
    'NULL',
    '',
    ' 42',
    '007',
    '12345678901234567890',
    '1.2.3',
    '0x10',
    'localhost',
    'Infinity',
    'NaN',
  ])('keeps %j as text', (text) => {
    expect(coerceValue(text)).toBe(text);
  });
});
