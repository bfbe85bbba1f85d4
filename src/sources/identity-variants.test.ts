import { describe, expect, it } from 'vitest';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { IDENTITY_VARIANTS, likelyCauses, variantsFor } from './identity-variants.js';

const identity = (changes: Partial<CitizenIdentity> = {}): CitizenIdentity => ({
  sub: 's',
  givenName: 'Karima Nour',
  familyName: 'MANSOURI',
  preferredUsername: undefined,
  birthdate: '1990-06-12',
  idpBirthdate: undefined,
  gender: 'female',
  birthplace: '',
  birthcountry: '99352',
  ...changes,
});

describe('guided recovery when a source does not recognise the person', () => {
  it('reads the likely causes from the FranceConnect identity', () => {
    expect(likelyCauses(identity())).toEqual([
      expect.stringContaining('Vous êtes né(e) hors de France'),
      expect.stringContaining('Vous avez plusieurs prénoms'),
    ]);
    expect(likelyCauses(identity({ birthcountry: '99100', birthplace: '75107', givenName: 'Léon' }))).toEqual([]);
    expect(likelyCauses(identity({ birthcountry: '99100', givenName: 'Léon', idpBirthdate: '1990-00-00' }))).toEqual([
      expect.stringContaining('jour ou votre mois de naissance'),
    ]);
    expect(likelyCauses(identity({ birthcountry: '99100', givenName: 'Hélène', preferredUsername: 'MOREAU' }))).toEqual([
      expect.stringContaining('nom d’usage'),
    ]);
  });

  it('offers only the variants that change something, once each', () => {
    expect(variantsFor(identity())).toEqual(['premier_prenom']);
    expect(variantsFor(identity(), ['premier_prenom'])).toEqual([]);
    expect(variantsFor(identity({ givenName: 'Hélène', preferredUsername: 'MOREAU' }))).toEqual(['nom_de_naissance']);
    expect(variantsFor(identity({ givenName: 'Léon', preferredUsername: 'ROY', familyName: 'ROY' }))).toEqual([]);
  });

  it('changes only the documented part of the identity', () => {
    const changed = IDENTITY_VARIANTS.premier_prenom.apply(identity());
    expect(changed).toEqual({ ...identity(), givenName: 'Karima' });
    expect(IDENTITY_VARIANTS.nom_de_naissance.apply(identity({ preferredUsername: 'MOREAU' }))).toEqual(identity());
  });
});
