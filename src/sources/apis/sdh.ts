import { holderFromIdentite } from '../holder.js';
import type { SourceDefinition } from '../source-definition.js';

/** Statut sportif (SDH): by the athlete's number at the ministry in charge of sports, which the citizen types. */
export const SDH_SOURCE: SourceDefinition = {
  api: 'statut_sportif',
  request(_identity, inputs) {
    const identifiant = inputs.identifiantSportif;
    if (identifiant === undefined) return { missingInput: 'identifiant_sportif' };
    // A typed number may be someone else's: the answer's identite block names its holder.
    return { route: '/v3/sdh/statut_sportif/identifiant', params: { identifiant }, holderCheck: { holder: holderFromIdentite } };
  },
};
