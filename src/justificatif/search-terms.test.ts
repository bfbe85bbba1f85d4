import { describe, expect, it } from 'vitest';
import { normaliseReference } from './reference.js';
import { birthDateOf, parsePersonSearch } from './search-terms.js';

describe('birth dates as typed', () => {
  it('reads French and ISO dates, with or without leading zeros', () => {
    expect(birthDateOf('24/08/1962')).toBe('1962-08-24');
    expect(birthDateOf('24-08-1962')).toBe('1962-08-24');
    expect(birthDateOf('24.8.1962')).toBe('1962-08-24');
    expect(birthDateOf('1962-08-24')).toBe('1962-08-24');
  });

  it('refuses what is no day', () => {
    expect(birthDateOf('31/02/1990')).toBeUndefined();
    expect(birthDateOf('24/13/1962')).toBeUndefined();
    expect(birthDateOf('1962')).toBeUndefined();
    expect(birthDateOf('dubois')).toBeUndefined();
  });
});

describe('justificatif numbers as typed', () => {
  it.each([
    ['pp 2026 08kz pjb8', 'PP-2026-08KZ-PJB8'],
    ['PP2026O8KZPJB8', 'PP-2026-08KZ-PJB8'],
    ['  pp-2026-08kz-pjb8 ', 'PP-2026-08KZ-PJB8'],
    ['2026-08KZ-PJB8', 'PP-2026-08KZ-PJB8'],
    ['PP–2026–08KZ–PJBL', 'PP-2026-08KZ-PJB1'],
  ])('reads « %s » as %s', (typed, number) => {
    expect(normaliseReference(typed)).toBe(number);
  });
});

describe('the agents’ search box', () => {
  it('reads a number, however typed', () => {
    expect(parsePersonSearch('pp 2026 08kz pjb8')).toEqual({ reference: 'PP-2026-08KZ-PJB8' });
  });

  it('reads words of a name, a birth date, or both', () => {
    expect(parsePersonSearch('dubois')).toEqual({ words: ['dubois'], birthDate: undefined });
    expect(parsePersonSearch('24/08/1962')).toEqual({ words: [], birthDate: '1962-08-24' });
    expect(parsePersonSearch('Angela DUBOIS 24/08/1962')).toEqual({ words: ['angela', 'dubois'], birthDate: '1962-08-24' });
  });

  it('finds nothing to search in blanks or punctuation', () => {
    expect(parsePersonSearch('   ')).toBeUndefined();
    expect(parsePersonSearch(' - ')).toBeUndefined();
  });
});
