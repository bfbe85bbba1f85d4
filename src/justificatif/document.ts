import type { RequestView } from '../authorization/request.view-model.js';
import { STATUS_CODES, STATUS_TEXTS } from '../sources/item-status.js';
import type { PreviewItem } from '../sources/items.js';

/** The justificatif as service providers receive it; keys in French, as API Particulier's own answers. */
export interface JustificatifDocument {
  id: string;
  emis_le: string;
  destinataire: { organisation: string; siret: string; client_id: string; demarche: string };
  finalite: string;
  cadre_legal: { texte: string; reference: string };
  conservation_jusqu_au: string;
  sujet: string;
  elements: Array<{
    scope: string;
    libelle: string;
    producteur: string;
    statut: string;
    explication: string | null;
    donnees: Record<string, unknown> | null;
    obtenu_le: string;
  }>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function buildJustificatif(input: {
  id: string;
  issuedAt: number;
  request: RequestView;
  siret: string;
  retentionDays: number;
  subject: string;
  items: PreviewItem[];
}): JustificatifDocument {
  const { request } = input;
  return {
    id: input.id,
    emis_le: new Date(input.issuedAt).toISOString(),
    destinataire: { organisation: request.organisation, siret: input.siret, client_id: request.clientId, demarche: request.procedure },
    finalite: request.purpose,
    cadre_legal: { texte: request.legalBasis, reference: request.legalReference },
    conservation_jusqu_au: new Date(input.issuedAt + input.retentionDays * DAY_MS).toISOString().slice(0, 10),
    sujet: input.subject,
    elements: input.items.map((item) => ({
      scope: item.scope,
      libelle: item.title,
      producteur: item.producer,
      statut: STATUS_CODES[item.status],
      explication: item.status === 'ok' ? null : STATUS_TEXTS[item.status].why(item.producerShort),
      donnees: item.data ?? null,
      obtenu_le: new Date(item.fetchedAt).toISOString(),
    })),
  };
}
