import { describe, expect, it } from 'vitest';
import { APIS, type CatalogueApi } from '../catalogue/apis.js';
import { completenessOf, type JustificatifDocument, type JustificatifElement, RESULTATS } from '../justificatif/document.js';
import { v3Answer } from './v3-answer.js';

const api = (id: string): CatalogueApi => {
  const found = APIS.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`API ${id} absente du catalogue`);
  return found;
};

const element = (scope: string, statut: JustificatifElement['statut'], donnees: Record<string, unknown> | null): JustificatifElement => ({
  scope,
  libelle: scope,
  producteur: 'CAF',
  statut,
  explication: statut === 'disponible' ? null : 'La CAF ne répond pas en ce moment.',
  donnees,
  obtenu_le: '2026-11-20T09:30:00.000Z',
});

const documentWith = (...elements: JustificatifElement[]): JustificatifDocument => ({
  id: 'justificatif-1',
  numero: 'PP-2026-BLLR-0001',
  resultat: RESULTATS[completenessOf(elements)],
  emis_le: '2026-11-20T09:31:00.000Z',
  destinataire: { organisation: 'Mairie de Bellerive', siret: '21999999900010', client_id: 'cantine-bellerive', demarche: 'Tarif de la cantine' },
  finalite: 'Calculer le tarif de la cantine scolaire.',
  cadre_legal: { texte: 'Délibération', reference: 'Code de l’éducation' },
  conservation_jusqu_au: '2027-11-20',
  sujet: 'sub-pairwise',
  elements,
});

const qf = { quotient_familial: { fournisseur: 'CNAF', valeur: 742, annee: 2026, mois: 10 } };
const children = { enfants: [{ prenoms: 'Jules', date_naissance: '2017-06-03' }] };

describe('the v3 answer from a justificatif', () => {
  it('merges the granted items of the API into one v3 body, naming the justificatif', () => {
    const answer = v3Answer(
      api('quotient_familial'),
      documentWith(element('cnaf_quotient_familial', 'disponible', qf), element('cnaf_enfants', 'disponible', children)),
      new Set(['cnaf_quotient_familial', 'cnaf_enfants']),
    );
    expect(answer).toEqual({
      status: 200,
      body: { data: { ...qf, ...children }, links: {}, meta: { justificatif: 'justificatif-1', emis_le: '2026-11-20T09:31:00.000Z' } },
    });
  });

  it('leaves out an item whose scope the token does not carry', () => {
    const answer = v3Answer(
      api('quotient_familial'),
      documentWith(element('cnaf_quotient_familial', 'disponible', qf), element('cnaf_enfants', 'disponible', children)),
      new Set(['cnaf_quotient_familial']),
    );
    expect(answer.body).toMatchObject({ data: qf });
    expect(JSON.stringify(answer.body)).not.toContain('Jules');
  });

  it('answers 403 (00100) when nothing of this API was transmitted to the token', () => {
    const answer = v3Answer(
      api('revenu_solidarite_active'),
      documentWith(element('cnaf_quotient_familial', 'disponible', qf)),
      new Set(['cnaf_quotient_familial']),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ errors: [{ code: '00100' }] });
  });

  it('turns an item the source did not give into API Particulier’s error for it', () => {
    const cases: Array<[JustificatifElement['statut'], number, string]> = [
      ['non_trouve', 404, '37003'],
      ['indisponible', 504, '37001'],
      ['identite_non_reconnue', 422, '00355'],
      ['erreur', 502, '37999'],
    ];
    for (const [statut, status, code] of cases) {
      const answer = v3Answer(
        api('quotient_familial'),
        documentWith(element('cnaf_quotient_familial', statut, null)),
        new Set(['cnaf_quotient_familial']),
      );
      expect(answer.status, statut).toBe(status);
      expect(answer.body, statut).toMatchObject({ errors: [{ code, detail: 'La CAF ne répond pas en ce moment.', meta: { provider: 'CAF' } }] });
    }
  });

  it('never answers with part of an API when one of its granted items is missing', () => {
    const answer = v3Answer(
      api('quotient_familial'),
      documentWith(element('cnaf_quotient_familial', 'disponible', qf), element('cnaf_enfants', 'indisponible', null)),
      new Set(['cnaf_quotient_familial', 'cnaf_enfants']),
    );
    expect(answer.status).toBe(504);
    expect(JSON.stringify(answer.body)).not.toContain('742');
  });
});
