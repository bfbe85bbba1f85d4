import { createHmac } from 'node:crypto';
import { APIS } from '../catalogue/apis.js';
import { dataScopesOf } from '../catalogue/call-modes.js';

/**
 * The FranceConnect data-provider clients of development: one per API that has a FranceConnect mode, as API
 * Particulier registers one per API (`france_connect_v2_<api>_client_id`) and the DGFiP one for API Impôt particulier.
 * The local FranceConnect registers them; the sandbox authenticates with them to check a citizen's token. Their
 * secrets are derived from the local platform's secret: development values, never production ones.
 */
export interface DataProviderClient {
  clientId: string;
  clientSecret: string;
  /** The catalogue API this client checks tokens for. */
  api: string;
  /** The data scopes FranceConnect keeps in what it tells this provider about a token. */
  scopes: string[];
}

export function localDataProviders(platformSecret: string): DataProviderClient[] {
  return APIS.filter((api) => api.franceConnectRoute !== undefined).map((api) => {
    const clientId = api.upstream === 'impot_particulier' ? 'api-impot-particulier' : `api-particulier-${api.id.replaceAll('_', '-')}`;
    return {
      clientId,
      clientSecret: createHmac('sha256', platformSecret).update(`fournisseur-de-donnees:${clientId}`).digest('base64url'),
      api: api.id,
      scopes: dataScopesOf(api.id),
    };
  });
}
