import { APIS, type CatalogueApi } from './apis.js';
import { PRODUCERS, type ProducerId } from './producers.js';
import { type CatalogueScope, SCOPES } from './scopes.js';

const byScope = new Map(SCOPES.map((entry) => [entry.scope, entry]));
const byApi = new Map(APIS.map((api) => [api.id, api]));

export const CATALOGUE_SCOPES: readonly string[] = SCOPES.map((entry) => entry.scope);

export const isCatalogueScope = (scope: string): boolean => byScope.has(scope);

/** An item's name for a third party; `fallback` (what a document says) for a scope the catalogue no longer has. */
export const titleOf = (scope: string, fallback: string): string => byScope.get(scope)?.title ?? fallback;

/**
 * Items whose values say nothing of who the person is (an amount, a yes or no, a grade, a month): the /verifier page
 * shows them, so that whoever holds a printed justificatif can see a value altered on paper. Names, birth dates,
 * addresses, contacts, establishments and identifiers are never shown there; an item left out of this list is not.
 */
const SHOWN_ON_VERIFICATION = new Set([
  'cnaf_quotient_familial',
  'complementaire_sante_solidaire',
  'revenu_solidarite_active',
  'revenu_solidarite_active_majoration',
  'prime_activite',
  'prime_activite_majoration',
  'allocation_adulte_handicape',
  'allocation_soutien_familial',
  'cnav_participation_familiale_eaje_parametres_calcul',
  'mesri_admission_inscrit',
  'mesri_admission_regime_formation',
  'cnous_statut_boursier',
  'cnous_echelon_bourse',
  'cnous_periode_versement',
  'men_statut_scolarite',
  'men_statut_boursier',
  'men_echelon_bourse',
  'cnav_allocation_enfant_handicape',
  'dsnj_statut_service_national',
  'gip_mds_service_civique_statut_actuel',
  'gip_mds_service_civique_statut_passe',
  'gip_mds_service_civique_dates',
  'ants_extrait_immatriculation_vehicule_statut_rattachement',
  'sdh_statut_sportif_est_sportif_de_haut_niveau',
  'sdh_statut_sportif_a_ete_sportif_de_haut_niveau',
]);

export const isShownOnVerification = (scope: string): boolean => SHOWN_ON_VERIFICATION.has(scope) && byScope.has(scope);

export function apiOf(entry: CatalogueScope): CatalogueApi {
  const api = byApi.get(entry.api);
  if (api === undefined) throw new Error(`API inconnue dans le catalogue : ${entry.api}`);
  return api;
}

export interface ProducerGroup {
  producer: ProducerId;
  name: string;
  /** The producer as a sentence names it, with its article: « la CAF ou la MSA ». */
  short: string;
  items: CatalogueScope[];
}

/** The requested items, grouped by the administration that holds them, in catalogue order. */
export function groupByProducer(scopes: Iterable<string>): ProducerGroup[] {
  const wanted = new Set(scopes);
  const groups = new Map<ProducerId, ProducerGroup>();
  for (const entry of SCOPES) {
    if (!wanted.has(entry.scope)) continue;
    const producer = apiOf(entry).producer;
    const group = groups.get(producer) ?? { producer, name: PRODUCERS[producer].name, short: PRODUCERS[producer].short, items: [] };
    group.items.push(entry);
    groups.set(producer, group);
  }
  return [...groups.values()];
}

/** The APIs a set of scopes needs, each asked once. */
export function apisFor(scopes: string[]): string[] {
  return [...new Set(SCOPES.filter((entry) => scopes.includes(entry.scope)).map((entry) => entry.api))];
}

/** Extra inputs the requested items need from the citizen (France Travail login, pupil, INE, athlete number). */
export function extraInputsFor(scopes: Iterable<string>): Set<string> {
  const inputs = new Set<string>();
  for (const scope of scopes) {
    const entry = byScope.get(scope);
    if (entry !== undefined) for (const input of apiOf(entry).extraInputs) inputs.add(input);
  }
  return inputs;
}
