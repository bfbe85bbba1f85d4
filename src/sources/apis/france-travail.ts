import { holderFromIdentite } from '../holder.js';
import type { SourceDefinition } from '../source-definition.js';

const STATUT_ROUTE = '/v3/france_travail/statut/identifiant';

/**
 * France Travail (statut and paiements): by the login of the citizen's France Travail account, which they type. The
 * statut answer names the account's holder; the paiements answer does not, so the statut route is asked first.
 */
const franceTravail = (api: string, route: string): SourceDefinition => ({
  api,
  request(_identity, inputs) {
    const identifiant = inputs.identifiantFranceTravail;
    if (identifiant === undefined) return { missingInput: 'identifiant_france_travail' };
    return { route, params: { identifiant }, holderCheck: { route: route === STATUT_ROUTE ? undefined : STATUT_ROUTE, holder: holderFromIdentite } };
  },
});

export const FRANCE_TRAVAIL_SOURCES = [
  franceTravail('france_travail_statut', STATUT_ROUTE),
  franceTravail('france_travail_indemnites', '/v3/france_travail/indemnites/identifiant'),
];
