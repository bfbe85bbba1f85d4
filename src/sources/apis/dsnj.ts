import { identityParams } from '../identity-params.js';
import type { SourceDefinition } from '../source-definition.js';

/** Service national (DSNJ): by identity, without the usage name the route does not take. */
export const DSNJ_SOURCE: SourceDefinition = {
  api: 'service_national',
  request(identity) {
    const { nomUsage: _usage, ...params } = identityParams(identity);
    return { route: '/v3/dsnj/service_national/identite', params };
  },
};
