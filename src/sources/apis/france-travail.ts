import type { SourceDefinition } from '../source-definition.js';

/** France Travail (statut and paiements): by the login of the citizen's France Travail account. */
const franceTravail = (api: string, route: string): SourceDefinition => ({
  api,
  request(_identity, inputs) {
    const identifiant = inputs.identifiantFranceTravail;
    return identifiant === undefined ? { missingInput: 'identifiant_france_travail' } : { route, params: { identifiant } };
  },
});

export const FRANCE_TRAVAIL_SOURCES = [
  franceTravail('france_travail_statut', '/v3/france_travail/statut/identifiant'),
  franceTravail('france_travail_indemnites', '/v3/france_travail/indemnites/identifiant'),
];
