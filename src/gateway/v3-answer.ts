import { APIS, type CatalogueApi } from '../catalogue/apis.js';
import { SCOPES } from '../catalogue/scopes.js';
import { API_ERRORS, apiErrorBody } from '../http/api-errors.js';
import type { ElementStatus, JustificatifDocument } from '../justificatif/document.js';

/**
 * The v3 routes the gateway serves, each with its API: API Particulier's own, in FranceConnect mode (the DGFiP's data
 * reach services in the justificatif only). The router, the OpenAPI file and /api/documentation read them from here.
 */
export const V3_ROUTES = APIS.flatMap((api) =>
  api.franceConnectRoute === undefined || api.upstream !== 'api_particulier' ? [] : [{ api, path: api.franceConnectRoute }],
);

/**
 * What a v3 route answers when the justificatif says the producer did not give the information, in API
 * Particulier's terms: the code is the API's provider code followed by `sub`, except a person the producer did not
 * recognise (00355, the same for every API). The OpenAPI file and /api/documentation list them from here.
 */
export const V3_PRODUCER_ERRORS: Record<Exclude<ElementStatus, 'disponible'>, { status: number; sub: string; common: boolean; title: string }> = {
  non_trouve: { status: 404, sub: '003', common: false, title: 'Dossier inexistant' },
  indisponible: { status: 504, sub: '001', common: false, title: 'Fournisseur de données indisponible au moment de la transmission' },
  identite_non_reconnue: { status: 422, sub: '355', common: true, title: 'Identité non reconnue par le fournisseur' },
  information_manquante: { status: 502, sub: '999', common: false, title: 'Erreur du fournisseur de données' },
  erreur: { status: 502, sub: '999', common: false, title: 'Erreur du fournisseur de données' },
};

/** Each producer error once (two statuses answer the same 502). */
export const DISTINCT_PRODUCER_ERRORS = [...new Map(Object.values(V3_PRODUCER_ERRORS).map((error) => [error.sub, error])).values()];

export const producerErrorCode = (api: Pick<CatalogueApi, 'providerCode'>, error: { sub: string; common: boolean }) =>
  error.common ? `00${error.sub}` : `${api.providerCode}${error.sub}`;

/** v3 answer for one API from a justificatif: the API's granted items merged, or its error in v3 terms. */
export function v3Answer(api: CatalogueApi, document: JustificatifDocument, scopes: Set<string>): { status: number; body: unknown } {
  const entries = SCOPES.filter((entry) => entry.api === api.id && scopes.has(entry.scope));
  const elements = document.elements.filter((element) => entries.some((entry) => entry.scope === element.scope));
  if (elements.length === 0) return { status: API_ERRORS.insufficientScope.status, body: apiErrorBody(API_ERRORS.insufficientScope) };
  const failed = elements.find((element) => element.statut !== 'disponible');
  if (failed !== undefined && failed.statut !== 'disponible') {
    const error = V3_PRODUCER_ERRORS[failed.statut];
    const body = apiErrorBody(
      { code: producerErrorCode(api, error), title: error.title, detail: failed.explication ?? error.title },
      { provider: failed.producteur },
    );
    return { status: error.status, body };
  }
  const data = Object.assign({}, ...elements.map((element) => element.donnees ?? {}));
  // A derived answer says so, with its rule: the service must not read a bracket for a value.
  const derivations = Object.fromEntries(elements.flatMap((element) => (element.derivation ? [[element.scope, element.derivation]] : [])));
  const meta = { justificatif: document.id, emis_le: document.emis_le, ...(Object.keys(derivations).length > 0 ? { derivations } : {}) };
  return { status: 200, body: { data, links: {}, meta } };
}
