import { describe, expect, it } from 'vitest';
import { displayData, frenchNumber, frenchPercent } from './values.fr.js';

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

describe('derived answers, as people read them', () => {
  const period = { annee: 2026, mois: 11, fournisseur: 'CNAF' };
  it('say the bracket, the yes or no, or the count, with the month and the producer, never a value', () => {
    expect(displayData({ quotient_familial_tranche: { tranche: '450–800', borne_basse: 450, borne_haute: 800, ...period } })).toEqual([
      { label: 'Tranche de quotient familial', lines: ['450–800 (novembre 2026, calculé par la CAF)'] },
    ]);
    expect(displayData({ quotient_familial_seuil: { seuil: 800, inferieur_ou_egal: true, ...period } })[0]?.lines).toEqual([
      'Oui : 800 ou moins (novembre 2026, calculé par la CAF)',
    ]);
    expect(displayData({ quotient_familial_tranche: { non_calculable: true, ...period } })[0]?.lines).toEqual([
      'non calculable (novembre 2026, calculé par la CAF) : la caisse n’a pas pu le calculer ; demandez-lui une attestation de quotient familial',
    ]);
    // A raw quotient of 0 is no amount either; the month it was computed, when the source gives it, is said.
    expect(displayData({ quotient_familial: { valeur: 0, ...period } })[0]?.lines[0]).toMatch(/^non calculable \(novembre 2026/);
    expect(displayData({ quotient_familial: { valeur: 620, ...period, annee_calcul: 2026, mois_calcul: 10 } })[0]?.lines).toEqual([
      '620 (novembre 2026, calculé par la CAF en octobre 2026)',
    ]);
    expect(displayData({ beneficiaire: { reponse: true, au: '2026-12-05' } })).toEqual([
      { label: 'Bénéficiaire', lines: ['Oui, au 5 décembre 2026'] },
    ]);
    expect(displayData({ enfants_nombre: { nombre: 2, age_max: 18, au: '2026-12-05' } })).toEqual([
      { label: 'Nombre d’enfants', lines: ['2 de moins de 18 ans au 5 décembre 2026'] },
    ]);
  });
});

describe('the 2026 APIs’ answers, as people read them', () => {
  it('words the statuses a source gives as codes, and dates and yes or no inside nested objects', () => {
    expect(displayData({ status: 'ouvrant_droit', date_debut_droit: '2021-09-06' })).toEqual([
      { label: 'Situation', lines: ['Ouvrant droit (l’allocation est versée pour vous)'] },
      { label: 'Depuis le', lines: ['6 septembre 2021'] },
    ]);
    expect(displayData({ statut_service_national: 'en_regle', commentaires: null })).toEqual([
      { label: 'Situation', lines: ['En règle'] },
      { label: 'Remarques', lines: ['non renseigné'] },
    ]);
    expect(displayData({ statut_actuel: { contrat_trouve: true, date_fin_contrat: '2027-05-31' } })).toEqual([
      { label: 'Contrat en cours', lines: ['Contrat trouvé : Oui ; Fin du contrat : 31 mai 2027'] },
    ]);
    expect(displayData({ informations_statuts_precedents: [] })).toEqual([{ label: 'Statuts précédents', lines: ['aucun'] }]);
  });

  it('puts the ANTS’s address parts back together as an envelope reads', () => {
    const adresse_particulier = {
      complement_information: null,
      num_voie: '8',
      extension: 'BIS',
      type_voie: 'AVENUE',
      libelle_voie: 'DES TILLEULS',
      lieu_dit: null,
      etage_escalier_appartement: null,
      code_postal_ville: '69003',
      libelle_commune: 'LYON',
      pays: 'FRANCE',
    };
    expect(displayData({ adresse_particulier, statut_rattachement: 'cotitulaire' })).toEqual([
      { label: 'Adresse', lines: ['8 BIS AVENUE DES TILLEULS', '69003 LYON', 'FRANCE'] },
      { label: 'Lien avec le véhicule', lines: ['Cotitulaire'] },
    ]);
  });

  it('reads the DGFiP’s avis d’impôt fields in words: amounts in euros, parts with a comma, codes of the situation de famille', () => {
    expect(displayData({ rfr: 38420, annee_revenus: 2025 })).toEqual([
      { label: 'Revenu fiscal de référence', lines: [`38${NARROW_NBSP}420 €`] },
      { label: 'Revenus de l’année', lines: ['2025'] },
    ]);
    expect(displayData({ nbPart: 2.5, sitFam: 'O', pac: { nbPac: 2, nbPacF: 2 } })).toEqual([
      { label: 'Nombre de parts', lines: ['2,5'] },
      { label: 'Situation de famille', lines: ['Pacsé(e)'] },
      { label: 'Personnes à charge', lines: ['Nombre : 2 ; Déclarées case F : 2'] },
    ]);
  });
});
