import { holderFromIdentite } from '../holder.js';
import { identityParams } from '../identity-params.js';
import type { SourceDefinition, SourceRequest } from '../source-definition.js';

/** Statut étudiant (MESRI): by INE when the student gave it, else by identity with a single given name. */
export const MESRI_SOURCE: SourceDefinition = {
  api: 'statut_etudiant',
  request(identity, inputs): SourceRequest {
    // An INE is typed by the citizen: the file it finds must be theirs.
    if (inputs.ine !== undefined)
      return { route: '/v3/mesri/statut_etudiant/ine', params: { ine: inputs.ine }, holderCheck: { holder: holderFromIdentite } };
    const { prenoms = [], nomUsage: _usage, ...params } = identityParams(identity);
    return { route: '/v3/mesri/statut_etudiant/identite', params: { ...params, prenoms: [String(prenoms[0])] } };
  },
};
