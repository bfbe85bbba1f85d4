import { describe, expect, it } from 'vitest';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { holderFromIdentite, isHolder } from './holder.js';

const citizen = (overrides: Partial<CitizenIdentity> = {}): CitizenIdentity => ({
  sub: 'sub',
  givenName: 'Marie-Hélène Odile',
  familyName: 'D’AUBIGNÉ',
  preferredUsername: undefined,
  birthdate: '1990-04-07',
  idpBirthdate: undefined,
  gender: 'female',
  birthplace: '33063',
  birthcountry: '99100',
  ...overrides,
});

describe('the holder of a file found by a typed identifier', () => {
  it('reads the identite block of France Travail, MESRI, CNOUS and SDH answers, and nothing from an answer without one', () => {
    expect(holderFromIdentite({ identite: { nom_naissance: 'ROY', prenom: 'Léon', date_naissance: '2001-02-17' } })).toEqual({
      familyName: 'ROY',
      givenNames: ['Léon'],
      birthdate: '2001-02-17',
    });
    expect(holderFromIdentite({ identite: { nom: 'ROY', prenoms: ['Léon', 'Paul'], date_naissance: '2001-02-17' } })).toEqual({
      familyName: 'ROY',
      givenNames: ['Léon', 'Paul'],
      birthdate: '2001-02-17',
    });
    // SDH gives the given names in one string.
    expect(holderFromIdentite({ identite: { nom_naissance: 'ROY', prenoms: 'Léon Paul', date_naissance: '2001-02-17' } })).toEqual({
      familyName: 'ROY',
      givenNames: ['Léon Paul'],
      birthdate: '2001-02-17',
    });
    expect(holderFromIdentite({ paiements: [] })).toBeUndefined();
    expect(holderFromIdentite({ identite: { nom: 'ROY', prenoms: [], date_naissance: '2001-02-17' } })).toBeUndefined();
  });

  it('is the signed-in person when birth name, first given name and birth date agree, accents, case and hyphens aside', () => {
    expect(isHolder(citizen(), { familyName: 'd aubigne', givenNames: ['MARIE HELENE'], birthdate: '1990-04-07' })).toBe(true);
    expect(isHolder(citizen(), { familyName: 'D’AUBIGNÉ', givenNames: ['Odile'], birthdate: '1990-04-07' })).toBe(true);
    expect(isHolder(citizen(), { familyName: 'D’AUBIGNÉ', givenNames: ['Marie-Hélène'], birthdate: '1990-04-08' })).toBe(false);
    expect(isHolder(citizen(), { familyName: 'DAUBIGNY', givenNames: ['Marie-Hélène'], birthdate: '1990-04-07' })).toBe(false);
    expect(isHolder(citizen(), { familyName: 'D’AUBIGNÉ', givenNames: ['Claire'], birthdate: '1990-04-07' })).toBe(false);
    expect(isHolder(citizen(), { familyName: 'D’AUBIGNÉ', givenNames: ['Odile Marie-Hélène'], birthdate: '1990-04-07' })).toBe(true);
  });

  it('compares only the parts of the birth date the identity provider knows', () => {
    const unknownDay = citizen({ birthdate: '1990-04-01', idpBirthdate: '1990-04-00' });
    expect(isHolder(unknownDay, { familyName: 'D’AUBIGNÉ', givenNames: ['Marie-Hélène'], birthdate: '1990-04-23' })).toBe(true);
    expect(isHolder(unknownDay, { familyName: 'D’AUBIGNÉ', givenNames: ['Marie-Hélène'], birthdate: '1990-05-23' })).toBe(false);
    const unknownMonth = citizen({ birthdate: '1990-01-01', idpBirthdate: '1990-00-00' });
    expect(isHolder(unknownMonth, { familyName: 'D’AUBIGNÉ', givenNames: ['Marie-Hélène'], birthdate: '1990-11-30' })).toBe(true);
    expect(isHolder(unknownMonth, { familyName: 'D’AUBIGNÉ', givenNames: ['Marie-Hélène'], birthdate: '1991-11-30' })).toBe(false);
  });
});
