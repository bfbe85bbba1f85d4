import { holderFromIdentite } from '../holder.js';
import { identityParams } from '../identity-params.js';
import type { SourceDefinition } from '../source-definition.js';

/** Statut étudiant boursier (CNOUS): by INE when given, else by identity. */
export const CNOUS_SOURCE: SourceDefinition = {
  api: 'etudiant_boursier',
  request(identity, inputs) {
    // An INE is typed by the citizen: the file it finds must be theirs.
    if (inputs.ine !== undefined)
      return { route: '/v3/cnous/etudiant_boursier/ine', params: { ine: inputs.ine }, holderCheck: { holder: holderFromIdentite } };
    const { nomUsage: _usage, ...params } = identityParams(identity);
    return { route: '/v3/cnous/etudiant_boursier/identite', params };
  },
};
