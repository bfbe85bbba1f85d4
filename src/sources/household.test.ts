import { describe, expect, it } from 'vitest';
import { othersNamedIn } from './household.js';

const angela = { givenName: 'Angela Claire Louise', familyName: 'DUBOIS', birthdate: '1962-08-24' };

describe('the other people an answer names', () => {
  it('lists co-allocataires and children, never the citizen', () => {
    const data = {
      quotient_familial: { valeur: 620 },
      allocataires: [
        { nom_naissance: 'DUBOIS', prenoms: 'Angela Claire Louise', date_naissance: '1962-08-24' },
        { nom_naissance: 'MERCIER', prenoms: 'Marc', date_naissance: '1960-01-02' },
      ],
      enfants: [{ nom_naissance: 'DUBOIS', prenoms: 'Lucie', date_naissance: '2011-03-14' }],
    };
    expect(othersNamedIn(data, angela)).toEqual(['Marc MERCIER', 'Lucie DUBOIS']);
  });

  it('recognises the citizen whatever the accents and case', () => {
    expect(othersNamedIn({ allocataires: [{ nom_naissance: 'Dubois', prenoms: 'Angéla', date_naissance: '1962-08-24' }] }, angela)).toEqual([]);
  });

  it('names nobody in data without lists of persons', () => {
    expect(othersNamedIn({ quotient_familial: { valeur: 620 } }, angela)).toEqual([]);
    expect(othersNamedIn(undefined, angela)).toEqual([]);
  });
});
