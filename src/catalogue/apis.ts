import type { ProducerId } from './producers.js';

/**
 * What a route needs beyond the identity FranceConnect gives: asked on the consent page.
 * - identifiant_france_travail: the France Travail online account login;
 * - eleve: a pupil's identity and the school year (a parent asking about their child);
 * - ine: the student number, optional (the identity is enough without it);
 * - identifiant_sportif: the athlete's number at the ministry in charge of sports (no route takes an identity).
 */
export type ExtraInput = 'identifiant_france_travail' | 'eleve' | 'ine' | 'identifiant_sportif' | 'immatriculation';

export interface CatalogueApi {
  id: string;
  producer: ProducerId;
  name: string;
  /**
   * The route asked with the identity pivot or an identifier the citizen types (`/identite`, `/ine`, `/identifiant`);
   * none for an API reachable only with the citizen's FranceConnect token.
   */
  route: string | undefined;
  /** The route asked instead of `route` when the citizen types an identifier of this API (an INE). */
  identifierRoute?: string;
  /**
   * The route asked with the citizen's FranceConnect access token (checked by the data provider with FranceConnect);
   * the portal also answers it to service providers' existing v3 integrations.
   */
  franceConnectRoute: string | undefined;
  /** Who serves the routes: API Particulier, or the DGFiP's API Impôt particulier. */
  upstream: 'api_particulier' | 'impot_particulier';
  extraInputs: ExtraInput[];
  /** API Particulier's two-digit provider code, the prefix of its provider error codes (37 CNAV, 26 CNOUS…). */
  providerCode: string;
}

const dss = (id: string, name: string, producer: ProducerId = 'cnaf_msa'): CatalogueApi => ({
  id,
  producer,
  name,
  route: `/v3/dss/${id}/identite`,
  franceConnectRoute: `/v3/dss/${id}/france_connect`,
  upstream: 'api_particulier',
  extraInputs: [],
  providerCode: '37',
});

export const APIS: CatalogueApi[] = [
  {
    // API Impôt particulier: the DGFiP answers only with the citizen's FranceConnect token, for one income year.
    id: 'impot_particulier',
    producer: 'dgfip',
    name: 'Impôt particulier',
    route: undefined,
    franceConnectRoute: '/impotparticulier/1.0/situations/ir/assiettes/annrev/{annrev}',
    upstream: 'impot_particulier',
    extraInputs: [],
    providerCode: '',
  },
  dss('quotient_familial', 'Quotient familial CAF et MSA'),
  dss('complementaire_sante_solidaire', 'Complémentaire santé solidaire', 'securite_sociale'),
  dss('revenu_solidarite_active', 'Revenu de solidarité active'),
  dss('prime_activite', 'Prime d’activité'),
  dss('allocation_adulte_handicape', 'Allocation aux adultes handicapés'),
  dss('allocation_soutien_familial', 'Allocation de soutien familial'),
  dss('participation_familiale_eaje', 'Participation familiale en crèche (EAJE)'),
  dss('allocation_enfant_handicape', 'Allocation d’éducation de l’enfant handicapé (AEEH)'),
  {
    id: 'statut_etudiant',
    producer: 'mesr',
    name: 'Statut étudiant',
    route: '/v3/mesri/statut_etudiant/identite',
    identifierRoute: '/v3/mesri/statut_etudiant/ine',
    franceConnectRoute: '/v3/mesri/statut_etudiant/france_connect',
    upstream: 'api_particulier',
    extraInputs: ['ine'],
    providerCode: '25',
  },
  {
    id: 'etudiant_boursier',
    producer: 'cnous',
    name: 'Statut étudiant boursier',
    route: '/v3/cnous/etudiant_boursier/identite',
    identifierRoute: '/v3/cnous/etudiant_boursier/ine',
    franceConnectRoute: '/v3/cnous/etudiant_boursier/france_connect',
    upstream: 'api_particulier',
    extraInputs: ['ine'],
    providerCode: '26',
  },
  {
    id: 'scolarites',
    producer: 'men',
    name: 'Statut élève scolarisé et boursier',
    route: '/v3/men/scolarites/identite',
    franceConnectRoute: undefined,
    upstream: 'api_particulier',
    extraInputs: ['eleve'],
    providerCode: '30',
  },
  {
    id: 'france_travail_statut',
    producer: 'france_travail',
    name: 'Statut demandeur d’emploi',
    route: '/v3/france_travail/statut/identifiant',
    franceConnectRoute: undefined,
    upstream: 'api_particulier',
    extraInputs: ['identifiant_france_travail'],
    providerCode: '24',
  },
  {
    id: 'france_travail_indemnites',
    producer: 'france_travail',
    name: 'Paiements France Travail',
    route: '/v3/france_travail/indemnites/identifiant',
    franceConnectRoute: undefined,
    upstream: 'api_particulier',
    extraInputs: ['identifiant_france_travail'],
    providerCode: '24',
  },
  {
    id: 'service_national',
    producer: 'dsnj',
    name: 'Situation au regard du service national',
    route: '/v3/dsnj/service_national/identite',
    franceConnectRoute: '/v3/dsnj/service_national/france_connect',
    upstream: 'api_particulier',
    extraInputs: [],
    providerCode: '39',
  },
  {
    id: 'service_civique',
    producer: 'agence_service_civique',
    name: 'Statut service civique',
    route: '/v3/gip_mds/service_civique/identite',
    franceConnectRoute: '/v3/gip_mds/service_civique/france_connect',
    upstream: 'api_particulier',
    extraInputs: [],
    providerCode: '31',
  },
  {
    // The ANTS matches the plate's holders with the FranceConnect identity itself: there is no identity route.
    id: 'extrait_immatriculation_vehicule',
    producer: 'ants',
    name: 'Extrait d’immatriculation de véhicule',
    route: undefined,
    franceConnectRoute: '/v3/ants/extrait_immatriculation_vehicule/france_connect',
    upstream: 'api_particulier',
    // The ANTS finds the vehicle by its plate, then checks that the token's holder is among its holders.
    extraInputs: ['immatriculation'],
    providerCode: '42',
  },
  {
    id: 'statut_sportif',
    producer: 'sports',
    name: 'Statut de sportif de haut niveau',
    route: '/v3/sdh/statut_sportif/identifiant',
    franceConnectRoute: undefined,
    upstream: 'api_particulier',
    extraInputs: ['identifiant_sportif'],
    providerCode: '41',
  },
];
