import { describe, expect, it } from 'vitest';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { DataRequest } from '../registry/data-request.js';
import { requestedItems } from '../sources/items.js';
import type { SourceOutcome } from '../sources/source-fetcher.js';
import { previewView, requestView } from './request.view-model.js';

const request: DataRequest = {
  clientId: 'bourses',
  environment: 'production',
  habilitationId: 'hab-1',
  organisation: { id: 'org-1', name: 'Ville de Bellerive', siret: '21999999900010' },
  procedure: 'Aide aux étudiants',
  purpose: 'Accorder l’aide municipale aux étudiants boursiers.',
  legalBasis: 'Délibération',
  legalReference: 'CRPA, article L114-8',
  retentionDays: 90,
  scopes: ['cnous_statut_boursier', 'cnaf_quotient_familial'],
  derivations: {},
  callModes: {},
};
const karima: CitizenIdentity = {
  sub: 's',
  givenName: 'Karima Nour',
  familyName: 'MANSOURI',
  preferredUsername: undefined,
  birthdate: '1990-06-12',
  idpBirthdate: undefined,
  gender: 'female',
  birthplace: '',
  birthcountry: '99352',
};
const outcome = (api: string, status: SourceOutcome['status'], data?: Record<string, unknown>): SourceOutcome => ({
  api,
  status,
  httpStatus: status === 'ok' ? 200 : 404,
  data,
  fetchedAt: Date.UTC(2026, 11, 5),
  requestId: 'r',
  via: 'identite',
});

describe('the preview when a source does not find the person', () => {
  const view = (outcomes: SourceOutcome[], inputs = {}, tried = {}) =>
    previewView(requestView(request, 'uid-1'), requestedItems(request.scopes, outcomes), {
      identity: karima,
      tried,
      answers: outcomes.map((o) => o.data),
      inputs,
    });
  const itemOf = (preview: ReturnType<typeof view>, scope: string) =>
    preview.groups.flatMap((group) => group.items).find((item) => item.scope === scope);

  it('says why, offers the identity variants, and points to the INE where the API takes one', () => {
    const preview = view([outcome('etudiant_boursier', 'not_found'), outcome('quotient_familial', 'invalid_input')]);
    expect(itemOf(preview, 'cnous_statut_boursier')?.recovery).toMatchObject({
      causes: [expect.stringContaining('hors de France'), expect.stringContaining('plusieurs prénoms')],
      variants: [{ name: 'premier_prenom', label: 'avec votre premier prénom seulement' }],
      input: { label: 'Saisir votre numéro INE et réessayer', href: '/demande/uid-1#ine' },
      tried: false,
    });
    expect(itemOf(preview, 'cnaf_quotient_familial')?.recovery?.input).toBeUndefined();
  });

  it('after a variant was tried, offers no other and says it still failed; with an INE typed, asks to check it', () => {
    const preview = view([outcome('etudiant_boursier', 'not_found')], { ine: '1234567890A' }, { etudiant_boursier: ['premier_prenom'] });
    expect(itemOf(preview, 'cnous_statut_boursier')?.recovery).toMatchObject({
      variants: [],
      input: { label: 'Vérifier votre numéro INE et réessayer' },
      tried: true,
    });
  });

  it('points to the athlete number when the file it found is someone else’s', () => {
    const sportif = { ...request, scopes: ['sdh_statut_sportif_est_sportif_de_haut_niveau'] };
    const preview = previewView(requestView(sportif, 'uid-1'), requestedItems(sportif.scopes, [outcome('statut_sportif', 'not_holder')]), {
      identity: karima,
      tried: {},
      answers: [],
      inputs: { identifiantSportif: '200114527' },
    });
    expect(preview.groups[0]?.items[0]?.recovery?.input).toEqual({
      label: 'Vérifier votre identifiant de sportif et réessayer',
      href: '/demande/uid-1#identifiant_sportif',
    });
  });

  it('offers nothing for a source that answered, nor for one that is down (its own retry does)', () => {
    const preview = view([outcome('etudiant_boursier', 'unavailable'), outcome('quotient_familial', 'ok', { quotient_familial: { valeur: 540 } })]);
    expect(itemOf(preview, 'cnous_statut_boursier')?.recovery).toBeUndefined();
    expect(itemOf(preview, 'cnous_statut_boursier')?.retry).toBe(true);
    expect(itemOf(preview, 'cnaf_quotient_familial')?.recovery).toBeUndefined();
  });

  it('names the other people the answers name, the citizen left out', () => {
    const preview = view([
      outcome('quotient_familial', 'ok', {
        allocataires: [{ nom_naissance: 'MANSOURI', prenoms: 'Karima', date_naissance: '1990-06-12' }],
        enfants: [{ nom_naissance: 'MANSOURI', prenoms: 'Inès', date_naissance: '2019-04-03' }],
      }),
    ]);
    expect(preview.others).toEqual(['Inès MANSOURI']);
  });
});

describe('the consent step’s summary', () => {
  it('says what is asked of each administration in one line, and leaves which income year to the details and the preview', () => {
    const view = requestView(
      { ...request, scopes: ['dgfip_rfr', 'dgfip_nbpart', 'dgfip_annee_n_moins_2_si_indispo_n_moins_1', 'cnaf_quotient_familial'] },
      'uid-1',
    );
    expect(view.summary.map(({ scopes, what }) => [scopes, what])).toEqual([
      ['dgfip_rfr dgfip_nbpart', 'Votre revenu fiscal de référence et le nombre de parts de votre foyer fiscal'],
      ['cnaf_quotient_familial', 'Votre quotient familial'],
    ]);
    expect(view.groups.flatMap((group) => group.items.map((item) => item.scope))).toContain('dgfip_annee_n_moins_2_si_indispo_n_moins_1');
  });
});
