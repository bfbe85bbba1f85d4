import { describe, expect, it } from 'vitest';
import { bracketName, derivationsSchema, derive, resultSentence, ruleSentence } from './derivations.js';

const qf = (valeur: number) => ({ quotient_familial: { fournisseur: 'CNAF', valeur, annee: 2026, mois: 11 } });
const tranche = (valeur: number) =>
  (
    derive('cnaf_quotient_familial', { regle: 'tranche', bornes: [450, 800, 1200] }, qf(valeur), '2026-12-05')?.quotient_familial_tranche as {
      tranche: string;
    }
  )?.tranche;

describe('derived answers', () => {
  it('puts a quotient familial in its bracket, upper bound included, boundaries and ends too', () => {
    expect([1, 450, 451, 620, 800, 801, 1200, 1201, 9999].map(tranche)).toEqual([
      '0–450',
      '0–450',
      '450–800',
      '450–800',
      '450–800',
      '800–1200',
      '800–1200',
      'plus de 1200',
      'plus de 1200',
    ]);
  });

  it('keeps the month and the producer, and never the value', () => {
    const derived = derive('cnaf_quotient_familial', { regle: 'tranche', bornes: [450, 800, 1200] }, qf(620), '2026-12-05');
    expect(derived).toEqual({
      quotient_familial_tranche: {
        tranche: '450–800',
        borne_basse: 450,
        borne_haute: 800,
        bornes: [450, 800, 1200],
        annee: 2026,
        mois: 11,
        fournisseur: 'CNAF',
      },
    });
    expect(JSON.stringify(derived)).not.toContain('620');
  });

  it('answers a threshold yes or no, the threshold itself included', () => {
    const seuil = (valeur: number) =>
      (
        derive('cnaf_quotient_familial', { regle: 'seuil', seuil: 800 }, qf(valeur), '2026-12-05')?.quotient_familial_seuil as
          | { inferieur_ou_egal: boolean }
          | undefined
      )?.inferieur_ou_egal;
    expect([799, 800, 801].map(seuil)).toEqual([true, true, false]);
  });

  it('says a quotient familial of 0 cannot be computed instead of bracketing it', () => {
    expect(derive('cnaf_quotient_familial', { regle: 'tranche', bornes: [450] }, qf(0), '2026-12-05')).toEqual({
      quotient_familial_tranche: { non_calculable: true, annee: 2026, mois: 11, fournisseur: 'CNAF' },
    });
  });

  it('counts the children under an age on the day of the answer, birthday included', () => {
    const enfants = { enfants: ['2008-12-05', '2008-12-06', '2015-01-01'].map((date_naissance) => ({ prenoms: 'X', date_naissance })) };
    expect(derive('cnaf_enfants', { regle: 'nombre', age_max: 18 }, enfants, '2026-12-05')).toEqual({
      enfants_nombre: { nombre: 2, age_max: 18, au: '2026-12-05' },
    });
    expect(derive('cnaf_enfants', { regle: 'nombre', age_max: 18 }, { enfants: [] }, '2026-12-05')).toEqual({
      enfants_nombre: { nombre: 0, age_max: 18, au: '2026-12-05' },
    });
  });

  it('keeps of each person named only the fields the habilitation lists, the birth year computed', () => {
    const enfants = {
      enfants: [
        { nom_naissance: 'DUBOIS', nom_usage: null, prenoms: 'Lucie Anne', date_naissance: '2011-03-14', sexe: 'F' },
        { nom_naissance: 'DUBOIS', nom_usage: null, prenoms: 'Hugo', date_naissance: '2014-09-02', sexe: 'M' },
      ],
    };
    expect(derive('cnaf_enfants', { regle: 'champs', champs: ['premier_prenom', 'annee_naissance'] }, enfants, '2026-12-05')).toEqual({
      enfants: [
        { premier_prenom: 'Lucie', annee_naissance: 2011 },
        { premier_prenom: 'Hugo', annee_naissance: 2014 },
      ],
    });
    expect(ruleSentence({ regle: 'champs', champs: ['premier_prenom', 'annee_naissance'] }, 'La crèche')).toBe(
      'La crèche saura seulement, de chaque personne de la liste : premier prénom et année de naissance.',
    );
    expect(derivationsSchema.safeParse({ cnaf_allocataires: { regle: 'champs', champs: ['prenoms', 'prenoms'] } }).success).toBe(false);
    expect(derivationsSchema.safeParse({ cnaf_allocataires: { regle: 'champs', champs: ['adresse'] } }).success).toBe(false);
  });

  it('answers yes or no to « beneficiary on the day », without the start date nor the conditions', () => {
    const c2s = { est_beneficiaire: true, avec_participation: false, date_debut_droit: '2026-02-01' };
    const derived = derive('complementaire_sante_solidaire', { regle: 'existence' }, c2s, '2026-12-05');
    expect(derived).toEqual({ beneficiaire: { reponse: true, au: '2026-12-05' } });
    expect(derive('revenu_solidarite_active', { regle: 'existence' }, { est_beneficiaire: false }, '2026-12-05')).toEqual({
      beneficiaire: { reponse: false, au: '2026-12-05' },
    });
    expect(resultSentence(derived ?? {}, 'Le réseau de transport')).toBe(
      'Le réseau de transport saura seulement que vous en bénéficiez au 05/12/2026.',
    );
    expect(derive('complementaire_sante_solidaire', { regle: 'existence' }, {}, '2026-12-05')).toBeUndefined();
  });

  it('sends nothing rather than the raw value when the data do not hold what the rule reads', () => {
    expect(
      derive('cnaf_enfants', { regle: 'nombre', age_max: 18 }, { enfants: [{ prenoms: 'X', date_naissance: '2010-00' }] }, '2026-12-05'),
    ).toBeUndefined();
    expect(derive('cnaf_quotient_familial', { regle: 'seuil', seuil: 800 }, {}, '2026-12-05')).toBeUndefined();
  });

  it('accepts only the rules a scope allows, with ascending bounds', () => {
    expect(derivationsSchema.safeParse({ cnaf_quotient_familial: { regle: 'tranche', bornes: [450, 800] } }).success).toBe(true);
    expect(derivationsSchema.safeParse({ cnaf_quotient_familial: { regle: 'tranche', bornes: [800, 450] } }).success).toBe(false);
    expect(derivationsSchema.safeParse({ cnaf_quotient_familial: { regle: 'nombre', age_max: 3 } }).success).toBe(false);
    expect(derivationsSchema.safeParse({ cnaf_adresse: { regle: 'seuil', seuil: 3 } }).success).toBe(false);
  });

  it('names brackets as the justificatif does', () => {
    expect([bracketName(0, 450), bracketName(1200, null)]).toEqual(['0–450', 'plus de 1200']);
  });

  it('tells the citizen, before and after fetching, what alone the service will learn', () => {
    expect(ruleSentence({ regle: 'tranche', bornes: [450, 800, 1200] }, 'La Mairie d’Exempleville')).toBe(
      'La Mairie d’Exempleville saura seulement dans quelle tranche est votre quotient familial (0–450, 450–800, 800–1200 ou plus de 1200), pas sa valeur.',
    );
    const derived = derive('cnaf_quotient_familial', { regle: 'tranche', bornes: [450, 800, 1200] }, qf(620), '2026-12-05') ?? {};
    expect(resultSentence(derived, 'La Mairie d’Exempleville')).toBe(
      'La Mairie d’Exempleville saura seulement que votre quotient familial est dans la tranche 450–800.',
    );
    const children = derive('cnaf_enfants', { regle: 'nombre', age_max: 18 }, { enfants: [{ date_naissance: '2015-01-01' }] }, '2026-12-05') ?? {};
    expect(resultSentence(children, 'La crèche')).toBe('La crèche saura seulement que votre foyer compte 1 enfant de moins de 18 ans.');
    const over = derive('cnaf_quotient_familial', { regle: 'seuil', seuil: 800 }, qf(900), '2026-12-05') ?? {};
    expect(resultSentence(over, 'Le service')).toBe('Le service saura seulement que votre quotient familial est supérieur à 800.');
  });
});
