import type { DataRequest } from '../registry/data-request.js';
import { claimsOf } from '../signing/jws.js';
import { type ItemStatus, statusText } from '../sources/item-status.js';
import type { RequestedItem } from '../sources/items.js';
import { parisDay } from '../wording/dates.fr.js';

/** An item's status as service providers read it in a justificatif (and in the OpenAPI file). */
export const ELEMENT_STATUSES = {
  ok: 'disponible',
  not_found: 'non_trouve',
  unavailable: 'indisponible',
  invalid_input: 'identite_non_reconnue',
  not_holder: 'identite_non_reconnue',
  missing_input: 'information_manquante',
  error: 'erreur',
} as const satisfies Record<ItemStatus, string>;

export type ElementStatus = (typeof ELEMENT_STATUSES)[ItemStatus];

export interface JustificatifElement {
  scope: string;
  libelle: string;
  producteur: string;
  statut: ElementStatus;
  explication: string | null;
  donnees: Record<string, unknown> | null;
  obtenu_le: string;
}

/** The justificatif as service providers receive it; keys in French, as API Particulier's own answers. */
export interface JustificatifDocument {
  id: string;
  emis_le: string;
  destinataire: { organisation: string; siret: string; client_id: string; demarche: string };
  finalite: string;
  cadre_legal: { texte: string; reference: string };
  conservation_jusqu_au: string;
  sujet: string;
  elements: JustificatifElement[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function buildJustificatif(input: {
  id: string;
  issuedAt: number;
  request: DataRequest;
  subject: string;
  items: RequestedItem[];
}): JustificatifDocument {
  const { request } = input;
  return {
    id: input.id,
    emis_le: new Date(input.issuedAt).toISOString(),
    destinataire: {
      organisation: request.organisation.name,
      siret: request.organisation.siret,
      client_id: request.clientId,
      demarche: request.procedure,
    },
    finalite: request.purpose,
    cadre_legal: { texte: request.legalBasis, reference: request.legalReference },
    // The day the service must have erased the data by, as the citizen's pages say it: a Paris day.
    conservation_jusqu_au: parisDay(input.issuedAt + request.retentionDays * DAY_MS),
    sujet: input.subject,
    elements: input.items.map((item) => ({
      scope: item.scope,
      libelle: item.title,
      producteur: item.producer,
      statut: ELEMENT_STATUSES[item.status],
      explication: item.status === 'ok' ? null : statusText(item.status).why(item.producerShort),
      donnees: item.data ?? null,
      obtenu_le: new Date(item.fetchedAt).toISOString(),
    })),
  };
}

/** Every item obtained, some, or none: the justificatif's outcome. */
export type Completeness = 'all' | 'some' | 'none';

export function completenessOf(elements: Array<Pick<JustificatifElement, 'statut'>>): Completeness {
  const obtained = elements.filter((element) => element.statut === 'disponible').length;
  return obtained === elements.length ? 'all' : obtained === 0 ? 'none' : 'some';
}

/** The document a stored justificatif JWS carries (ours, read back from encrypted storage). */
export const documentOf = (jws: string): JustificatifDocument => claimsOf(jws) as unknown as JustificatifDocument;
