import { describe, expect, it } from 'vitest';
import { PRODUCERS } from '../catalogue/producers.js';
import { withPreposition } from './contractions.fr.js';

describe('« de » and « à » before an administration', () => {
  it('contracts them with « le » and « les », and keeps them before « la », « l’ » or a name', () => {
    expect(withPreposition('de', 'le Crous')).toBe('du Crous');
    expect(withPreposition('à', 'le ministère chargé des Sports')).toBe('au ministère chargé des Sports');
    expect(withPreposition('de', 'les services fiscaux')).toBe('des services fiscaux');
    expect(withPreposition('à', 'les services fiscaux')).toBe('aux services fiscaux');
    expect(withPreposition('de', 'la CAF ou la MSA')).toBe('de la CAF ou la MSA');
    expect(withPreposition('à', 'l’Assurance Maladie')).toBe('à l’Assurance Maladie');
    expect(withPreposition('de', 'France Travail')).toBe('de France Travail');
    expect(withPreposition('de', 'lecteurs')).toBe('de lecteurs');
  });

  it('never leaves « de le », « à le », « de les » or « à les » before any producer', () => {
    for (const { short } of Object.values(PRODUCERS))
      for (const preposition of ['de', 'à'] as const) expect(withPreposition(preposition, short)).not.toMatch(/^(de|à) les? /);
  });
});
