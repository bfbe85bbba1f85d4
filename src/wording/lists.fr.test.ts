import { describe, expect, it } from 'vitest';
import { labelsAsPhrase } from './lists.fr.js';

describe('labels read as one phrase', () => {
  it('joins them with commas and « et », each after the first read inside the sentence', () => {
    expect(labelsAsPhrase(['Votre quotient familial'])).toBe('Votre quotient familial');
    expect(labelsAsPhrase(['Votre revenu fiscal de référence', 'Le nombre de parts de votre foyer fiscal'])).toBe(
      'Votre revenu fiscal de référence et le nombre de parts de votre foyer fiscal',
    );
    expect(labelsAsPhrase(['Votre statut', 'Vos dates', 'INE de l’étudiant'])).toBe('Votre statut, vos dates et INE de l’étudiant');
    expect(labelsAsPhrase([])).toBe('');
  });
});
