import { describe, expect, it } from 'vitest';
import { parseExtraInputs } from './extra-inputs.js';

describe('the extra inputs of the consent page', () => {
  it('takes the athlete number the SDH route needs, and says how to fix a wrong or missing one', () => {
    const needed = new Set(['identifiant_sportif']);
    expect(parseExtraInputs({ identifiant_sportif: ' 200114527 ' }, needed)).toEqual({ inputs: { identifiantSportif: '200114527' }, errors: {} });
    expect(parseExtraInputs({ identifiant_sportif: '' }, needed)).toEqual({
      inputs: {},
      errors: { identifiant_sportif: 'Saisissez votre identifiant de sportif, donné par le ministère chargé des Sports. Exemple : 123456789' },
    });
    expect(parseExtraInputs({ identifiant_sportif: '200 114 527' }, needed).errors).toEqual({
      identifiant_sportif: 'L’identifiant de sportif ne contient que des chiffres et des lettres, sans espace. Exemple : 123456789',
    });
    // Asked only when a requested item needs it.
    expect(parseExtraInputs({ identifiant_sportif: '200114527' }, new Set())).toEqual({ inputs: {}, errors: {} });
  });

  it('keeps the other inputs as they were: France Travail login required, INE optional', () => {
    const needed = new Set(['identifiant_france_travail', 'ine']);
    expect(parseExtraInputs({ identifiant_france_travail: 'angela.dubois', ine: '1234567890a' }, needed)).toEqual({
      inputs: { identifiantFranceTravail: 'angela.dubois', ine: '1234567890A' },
      errors: {},
    });
    expect(parseExtraInputs({}, needed).errors).toEqual({
      identifiant_france_travail: 'Saisissez l’identifiant de votre compte France Travail. Exemple : jean.dupont',
    });
  });
});
