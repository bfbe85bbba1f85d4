import { describe, expect, it } from 'vitest';
import { APIS } from './apis.js';
import { apiOf, CATALOGUE_SCOPES, extraInputsFor, groupByProducer, isShownOnVerification, titleOf } from './catalogue.js';
import { answeringProducer, PRODUCERS } from './producers.js';
import { SCOPES } from './scopes.js';

describe('catalogue', () => {
  it('names each scope once, never an identity scope, each with a label, a sentence, fields and a known API', () => {
    expect(new Set(CATALOGUE_SCOPES).size).toBe(CATALOGUE_SCOPES.length);
    for (const entry of SCOPES) {
      expect(entry.scope).not.toMatch(/_identite$/);
      expect(entry.label.length).toBeGreaterThan(5);
      expect(entry.explanation).toMatch(/\.$/);
      expect(entry.fields.length).toBeGreaterThan(0);
      expect(apiOf(entry).route ?? apiOf(entry).franceConnectRoute).toMatch(/^\/(v3|impotparticulier)\//);
    }
  });

  it('names each item for a third party too, once and without addressing anyone, for the justificatif that services read', () => {
    expect(new Set(SCOPES.map((entry) => entry.title)).size).toBe(SCOPES.length);
    for (const entry of SCOPES) {
      expect(entry.title).toMatch(/^[A-ZÉ]/);
      expect(entry.title).not.toMatch(/\b(votre|vos|vous|si)\b/i);
    }
    // What an older justificatif says gives way to today's name, and stays for a scope the catalogue dropped.
    expect(titleOf('cnaf_quotient_familial', 'Votre quotient familial')).toBe('Quotient familial');
    expect(titleOf('scope_retire', 'Ancien libellé')).toBe('Ancien libellé');
  });

  it('covers every API of the issue, each with at least one scope', () => {
    const apisWithScopes = new Set(SCOPES.map((entry) => entry.api));
    expect(APIS.map((api) => api.id).filter((id) => !apisWithScopes.has(id))).toEqual([]);
    for (const scope of [
      'cnaf_quotient_familial',
      'cnaf_allocataires',
      'cnaf_enfants',
      'cnaf_adresse',
      'complementaire_sante_solidaire',
      'cnous_statut_boursier',
      'pole_emploi_paiements',
      'cnav_allocation_enfant_handicape',
      'dsnj_statut_service_national',
      'gip_mds_service_civique_statut_actuel',
      'gip_mds_service_civique_statut_passe',
      'gip_mds_service_civique_organisme_accueil',
      'gip_mds_service_civique_dates',
      'ants_extrait_immatriculation_vehicule_adresse_particulier',
      'ants_extrait_immatriculation_vehicule_statut_rattachement',
      'ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule',
      'ants_extrait_immatriculation_vehicule_caracteristiques_techniques_vehicule',
      'sdh_statut_sportif_est_sportif_de_haut_niveau',
      'sdh_statut_sportif_a_ete_sportif_de_haut_niveau',
      'sdh_statut_sportif_informations_statut',
      'sdh_statut_sportif_informations_statuts_precedents',
    ]) {
      expect(CATALOGUE_SCOPES).toContain(scope);
    }
    // FranceConnect gives the identity: the ANTS's holder block is no item, even if its name does not end in _identite.
    expect(CATALOGUE_SCOPES.filter((scope) => scope.includes('_identite'))).toEqual([]);
  });

  it('says which route each API is asked on: identity or identifier, typed identifier, FranceConnect token', () => {
    const byId = new Map(APIS.map((api) => [api.id, api]));
    expect(byId.get('allocation_enfant_handicape')).toMatchObject({
      route: '/v3/dss/allocation_enfant_handicape/identite',
      franceConnectRoute: '/v3/dss/allocation_enfant_handicape/france_connect',
      producer: 'cnaf_msa',
    });
    expect(byId.get('service_national')?.route).toBe('/v3/dsnj/service_national/identite');
    expect(byId.get('service_civique')?.franceConnectRoute).toBe('/v3/gip_mds/service_civique/france_connect');
    expect(byId.get('extrait_immatriculation_vehicule')).toMatchObject({
      route: undefined,
      franceConnectRoute: '/v3/ants/extrait_immatriculation_vehicule/france_connect',
    });
    expect(byId.get('statut_sportif')).toMatchObject({ route: '/v3/sdh/statut_sportif/identifiant', franceConnectRoute: undefined });
    expect(APIS.filter((api) => api.identifierRoute !== undefined).map((api) => [api.id, api.identifierRoute])).toEqual([
      ['statut_etudiant', '/v3/mesri/statut_etudiant/ine'],
      ['etudiant_boursier', '/v3/cnous/etudiant_boursier/ine'],
    ]);
    for (const api of APIS) expect(PRODUCERS[api.producer].short.length, api.id).toBeGreaterThan(0);
  });

  it('groups items by producer and says which extra inputs they need', () => {
    const groups = groupByProducer(['cnous_statut_boursier', 'cnaf_quotient_familial', 'cnaf_enfants', 'inconnu']);
    expect(groups.map((g) => [g.producer, g.items.map((i) => i.scope)])).toEqual([
      ['cnaf_msa', ['cnaf_quotient_familial', 'cnaf_enfants']],
      ['cnous', ['cnous_statut_boursier']],
    ]);
    expect([...extraInputsFor(['pole_emploi_paiements', 'men_statut_boursier', 'cnaf_enfants'])].sort()).toEqual([
      'eleve',
      'identifiant_france_travail',
    ]);
    expect([...extraInputsFor(['sdh_statut_sportif_est_sportif_de_haut_niveau', 'dsnj_statut_service_national'])]).toEqual(['identifiant_sportif']);
  });
});

describe('the administration that answered', () => {
  it('names the CAF or the MSA once the data say which, and both until then', () => {
    expect(answeringProducer('cnaf_msa', [{ quotient_familial: { valeur: 620, fournisseur: 'CNAF' } }, { enfants: [] }]).name).toBe(
      'Caisse d’allocations familiales (CAF)',
    );
    expect(answeringProducer('cnaf_msa', [{ quotient_familial: { valeur: 410, fournisseur: 'MSA' } }]).short).toBe('la MSA');
    expect(answeringProducer('cnaf_msa', [undefined]).name).toBe(PRODUCERS.cnaf_msa.name);
    expect(answeringProducer('cnous', [{ quotient_familial: { fournisseur: 'CAF' } }]).name).toBe(PRODUCERS.cnous.name);
  });
});

describe('what /verifier may show', () => {
  it('names only catalogue items, and never one that identifies the person', () => {
    expect(isShownOnVerification('cnaf_quotient_familial')).toBe(true);
    for (const identifying of [
      'cnaf_allocataires',
      'cnaf_enfants',
      'cnaf_adresse',
      'cnous_email',
      'pole_emploi_identifiant',
      'pole_emploi_adresse',
      'gip_mds_service_civique_organisme_accueil',
      'ants_extrait_immatriculation_vehicule_adresse_particulier',
      'ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule',
      'ants_extrait_immatriculation_vehicule_caracteristiques_techniques_vehicule',
      'sdh_statut_sportif_informations_statut',
      'sdh_statut_sportif_informations_statuts_precedents',
    ])
      expect(isShownOnVerification(identifying), identifying).toBe(false);
    for (const status of ['cnav_allocation_enfant_handicape', 'dsnj_statut_service_national', 'sdh_statut_sportif_est_sportif_de_haut_niveau'])
      expect(isShownOnVerification(status), status).toBe(true);
    expect(isShownOnVerification('inconnu')).toBe(false);
    expect(CATALOGUE_SCOPES.filter(isShownOnVerification).length).toBeGreaterThan(10);
  });
});
