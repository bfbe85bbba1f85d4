import { identityParams } from '../identity-params.js';
import type { SourceDefinition } from '../source-definition.js';

/** Service civique (GIP-MDS for the Agence du service civique): by names and birth date only, all the route takes. */
export const GIP_MDS_SOURCE: SourceDefinition = {
  api: 'service_civique',
  request(identity) {
    const {
      nomUsage: _usage,
      sexeEtatCivil: _sex,
      codeCogInseePaysNaissance: _country,
      codeCogInseeCommuneNaissance: _commune,
      ...params
    } = identityParams(identity);
    return { route: '/v3/gip_mds/service_civique/identite', params };
  },
};
