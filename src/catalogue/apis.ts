import type { ProducerId } from './producers.js';

/**
 * What a route needs beyond the identity FranceConnect gives: asked on the consent page.
 * - identifiant_france_travail: the France Travail online account login;
 * - eleve: a pupil's identity and the school year (a parent asking about their child);
 * - ine: the student number, optional (the identity is enough without it).
 */
export type ExtraInput = 'identifiant_france_travail' | 'eleve' | 'ine';

export interface CatalogueApi {
  id: string;
  producer: ProducerId;
  name: string;
  /** The API Particulier v3 route the gateway calls. */
  route: string;
  callMode: 'identite' | 'identifiant';
  /** The v3 route an existing integration calls in FranceConnect mode, which the gateway also answers. */
  franceConnectRoute: string | undefined;
  extraInputs: ExtraInput[];
  /** API Particulier's two-digit provider code, the prefix of its provider error codes (37 CNAV, 26 CNOUS…). */
  providerCode: string;
}

const dss = (id: string, name: string, producer: ProducerId = 'cnaf_msa'): CatalogueApi => ({
  id,
  producer,
  name,
  route: `/v3/dss/${id}/identite`,
  callMode: 'identite',
  franceConnectRoute: `/v3/dss/${id}/france_connect`,
  extraInputs: [],
  providerCode: '37',
});

export const APIS: CatalogueApi[] = [
  dss('quotient_familial', 'Quotient familial CAF et MSA'),
  dss('complementaire_sante_solidaire', 'Complémentaire santé solidaire', 'securite_sociale'),
  dss('revenu_solidarite_active', 'Revenu de solidarité active'),
  dss('prime_activite', 'Prime d’activité'),
  dss('allocation_adulte_handicape', 'Allocation aux adultes handicapés'),
  dss('allocation_soutien_familial', 'Allocation de soutien familial'),
  dss('participation_familiale_eaje', 'Participation familiale en crèche (EAJE)'),
  {
    id: 'statut_etudiant',
    producer: 'mesr',
    name: 'Statut étudiant',
    route: '/v3/mesri/statut_etudiant/identite',
    callMode: 'identite',
    franceConnectRoute: '/v3/mesri/statut_etudiant/france_connect',
    extraInputs: ['ine'],
    providerCode: '25',
  },
  {
    id: 'etudiant_boursier',
    producer: 'cnous',
    name: 'Statut étudiant boursier',
    route: '/v3/cnous/etudiant_boursier/identite',
    callMode: 'identite',
    franceConnectRoute: '/v3/cnous/etudiant_boursier/france_connect',
    extraInputs: ['ine'],
    providerCode: '26',
  },
  {
    id: 'scolarites',
    producer: 'men',
    name: 'Statut élève scolarisé et boursier',
    route: '/v3/men/scolarites/identite',
    callMode: 'identite',
    franceConnectRoute: undefined,
    extraInputs: ['eleve'],
    providerCode: '30',
  },
  {
    id: 'france_travail_statut',
    producer: 'france_travail',
    name: 'Statut demandeur d’emploi',
    route: '/v3/france_travail/statut/identifiant',
    callMode: 'identifiant',
    franceConnectRoute: undefined,
    extraInputs: ['identifiant_france_travail'],
    providerCode: '24',
  },
  {
    id: 'france_travail_indemnites',
    producer: 'france_travail',
    name: 'Paiements France Travail',
    route: '/v3/france_travail/indemnites/identifiant',
    callMode: 'identifiant',
    franceConnectRoute: undefined,
    extraInputs: ['identifiant_france_travail'],
    providerCode: '24',
  },
];
