import type { CatalogueApi } from '../catalogue/apis.js';
import { SCOPES } from '../catalogue/scopes.js';
import { API_ERRORS } from '../http/api-errors.js';
import type { JustificatifDocument } from '../justificatif/document.js';

/** v3 answer for one API from a justificatif: the API's granted items merged, or its error in v3 terms. */
export function v3Answer(api: CatalogueApi, document: JustificatifDocument, scopes: Set<string>): { status: number; body: unknown } {
  const entries = SCOPES.filter((entry) => entry.api === api.id && scopes.has(entry.scope));
  const elements = document.elements.filter((element) => entries.some((entry) => entry.scope === element.scope));
  if (elements.length === 0) return { status: 403, body: { errors: [{ ...API_ERRORS.insufficientScope, source: null, meta: {} }] } };
  const failed = elements.find((element) => element.statut !== 'disponible');
  if (failed !== undefined) {
    const [status, sub, title] =
      failed.statut === 'non_trouve'
        ? [404, '003', 'Dossier inexistant']
        : failed.statut === 'indisponible'
          ? [504, '001', 'Fournisseur de données indisponible au moment de la transmission']
          : failed.statut === 'identite_non_reconnue'
            ? [422, '355', 'Identité non reconnue par le fournisseur']
            : [502, '999', 'Erreur du fournisseur de données'];
    const code = failed.statut === 'identite_non_reconnue' ? `00${sub}` : `${api.providerCode}${sub}`;
    return { status, body: { errors: [{ code, title, detail: failed.explication ?? title, source: null, meta: { provider: failed.producteur } }] } };
  }
  const data = Object.assign({}, ...elements.map((element) => element.donnees ?? {}));
  // A derived answer says so, with its rule: the service must not read a bracket for a value.
  const derivations = Object.fromEntries(elements.flatMap((element) => (element.derivation ? [[element.scope, element.derivation]] : [])));
  const meta = { justificatif: document.id, emis_le: document.emis_le, ...(Object.keys(derivations).length > 0 ? { derivations } : {}) };
  return { status: 200, body: { data, links: {}, meta } };
}
