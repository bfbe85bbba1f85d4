import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPersonas, parsePersonas, personaClaims } from './personas.js';

const shipped = loadPersonas(fileURLToPath(new URL('./personas.json', import.meta.url)));
const withoutFault = shipped.filter((p) => p.fault === undefined);

describe('shipped personas', () => {
  it('include test/123 as Angela Claire Louise DUBOIS, female, born 1962-08-24 in 75107, France', () => {
    expect(shipped.find((p) => p.login === 'test')).toMatchObject({
      password: '123',
      given_name: 'Angela Claire Louise',
      family_name: 'DUBOIS',
      gender: 'female',
      birthdate: '1962-08-24',
      birthplace: '75107',
      birthcountry: '99100',
    });
  });

  it('cover the edge cases with at least eight more identities', () => {
    expect(withoutFault.length).toBeGreaterThanOrEqual(9);
    const has = (predicate: (p: (typeof shipped)[number]) => boolean) => expect(withoutFault.some(predicate)).toBe(true);
    has((p) => p.birthcountry !== '99100' && p.birthplace === '');
    has((p) => p.birthplace.startsWith('2A'));
    has((p) => p.birthplace.startsWith('2B'));
    has((p) => p.idp_birthdate?.endsWith('-00') === true);
    has((p) => !p.given_name.includes(' '));
    has((p) => p.given_name.split(' ').length >= 3);
    has((p) => p.gender === 'male');
    has((p) => p.gender === 'female');
    has((p) => /[À-ÿ]/.test(p.given_name + p.family_name));
    has((p) => (p.given_name + p.family_name).includes('-'));
    has((p) => p.family_name.includes("'"));
  });

  it('give every fault a persona of its own', () => {
    const faults = shipped.flatMap((p) => (p.fault ? [p.fault] : []));
    expect(new Set(faults).size).toBe(faults.length);
    expect(faults.length).toBeGreaterThanOrEqual(4);
  });
});

describe('persona file format', () => {
  const valid = {
    login: 'a',
    password: 'b',
    description: 'c',
    given_name: 'Jean',
    family_name: 'NOM',
    gender: 'male',
    birthdate: '1990-01-01',
    birthplace: '75056',
    birthcountry: '99100',
  };

  it('rejects a birth in France without a commune, or abroad with one, and duplicate logins', () => {
    expect(() => parsePersonas({ personas: [{ ...valid, birthplace: '' }] }, 'x')).toThrow(/birthplace/);
    expect(() => parsePersonas({ personas: [{ ...valid, birthcountry: '99350' }] }, 'x')).toThrow(/birthplace/);
    expect(() => parsePersonas({ personas: [valid, valid] }, 'x')).toThrow(/unique/);
    expect(() => parsePersonas({ personas: [{ ...valid, birthplace: '2C001' }] }, 'x')).toThrow(/birthplace/);
  });

  it('splits given names into given_name_array and keeps the identity provider birth date', () => {
    const [persona] = parsePersonas({ personas: [{ ...valid, given_name: 'Jean-Luc Marie', idp_birthdate: '1990-01-00' }] }, 'x');
    expect(personaClaims(persona as NonNullable<typeof persona>)).toMatchObject({
      given_name_array: ['Jean-Luc', 'Marie'],
      idp_birthdate: '1990-01-00',
      preferred_username: '',
    });
  });
});
