import { describe, expect, it } from 'vitest';
import { median, roundRatios } from '../src/harness/round-ratios.js';

describe('round ratios', () => {
  it('divides each round by the same round of the baseline, skipping rounds the baseline did nothing in', () => {
    expect(roundRatios([100, 90, 50], [100, 0, 25])).toEqual([1, 2]);
  });

  it('takes the middle ratio, so one noisy round does not move the result', () => {
    // five rounds, the fourth hit by a burst on the machine
    const ratios = roundRatios([95, 96, 94, 40, 97], [100, 100, 100, 100, 100]);
    expect(median(ratios)).toBe(0.95);
    expect(median([0.5, 1.5])).toBe(1);
  });
});
