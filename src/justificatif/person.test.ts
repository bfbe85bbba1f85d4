import { describe, expect, it } from 'vitest';
import { fullNameOf, personJson, personOf } from './person.js';

describe('the person a justificatif concerns', () => {
  it('is stored and read back whole', () => {
    const person = { givenNames: 'Angela Claire Louise', familyName: 'DUBOIS', birthDate: '1962-08-24' };
    expect(personOf(personJson(person))).toEqual(person);
    expect(fullNameOf(person)).toBe('Angela Claire Louise DUBOIS');
  });

  it('reads the name alone that justificatifs issued before 2026-12-05 kept, without a birth date', () => {
    expect(personOf('Lucie FONTAINE')).toEqual({ givenNames: '', familyName: 'Lucie FONTAINE', birthDate: undefined });
    expect(fullNameOf(personOf('Lucie FONTAINE'))).toBe('Lucie FONTAINE');
  });
});
