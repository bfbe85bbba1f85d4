import { describe, expect, it } from 'vitest';
import { frenchNumber, frenchPercent } from './values.fr.js';

const NARROW_NBSP = '\u202f';

describe('numbers as French readers write them', () => {
  it('writes a decimal comma and a narrow no-break space between thousands', () => {
    expect(frenchNumber(12345.5)).toBe(`12${NARROW_NBSP}345,5`);
    expect(frenchNumber(1234567)).toBe(`1${NARROW_NBSP}234${NARROW_NBSP}567`);
    expect(frenchNumber(0)).toBe('0');
  });

  it('writes a share as a percentage with a decimal comma and a narrow no-break space before the sign', () => {
    expect(frenchPercent(0.615)).toBe(`61,5${NARROW_NBSP}%`);
    expect(frenchPercent(1)).toBe(`100,0${NARROW_NBSP}%`);
    expect(frenchPercent(0.95, 0)).toBe(`95${NARROW_NBSP}%`);
    expect(frenchPercent(0.9)).not.toContain('.');
  });
});
