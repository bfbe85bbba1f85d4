import { z } from 'zod';
import { titleOf } from '../catalogue/catalogue.js';
import type { TransmissionReceipt } from '../justificatif/receipt.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { SHARE_STATUS_TEXTS } from '../wording/labels.fr.js';
import { type Share, shownStatusOf } from './citizen-space.js';

export type ShownStatus = keyof typeof SHARE_STATUS_TEXTS;
const SHOWN_STATUSES = Object.keys(SHARE_STATUS_TEXTS) as [ShownStatus, ...ShownStatus[]];

/** The list's filters as the query string gives them: one state, one service; a bad value is ignored, not an error. */
const filterQuery = z
  .object({
    etat: z.enum(SHOWN_STATUSES).optional().catch(undefined),
    service: z.string().max(200).optional().catch(undefined),
  })
  .catch({});

export interface ShareFilters {
  etat: ShownStatus | undefined;
  /** A service provider's client_id, among those this citizen dealt with. */
  service: string | undefined;
}

const serviceName = (share: Share) => (share.procedureName ? `${share.organisationName} – ${share.procedureName}` : share.organisationName);

export function filtersOf(query: unknown, shares: Share[]): ShareFilters {
  const { etat, service } = filterQuery.parse(query);
  return { etat, service: shares.some((share) => share.clientId === service) ? service : undefined };
}

export const matches = (filters: ShareFilters) => (share: Share) =>
  (filters.etat === undefined || shownStatusOf(share) === filters.etat) && (filters.service === undefined || share.clientId === filters.service);

/** The filters' choices, as [value, label] pairs: every state, and the services this citizen dealt with. */
export function filterOptions(shares: Share[]) {
  const services = new Map(shares.map((share) => [share.clientId, serviceName(share)]));
  return {
    etat: [['', 'Tous les états'], ...SHOWN_STATUSES.map((status) => [status, SHARE_STATUS_TEXTS[status].label])],
    service: [['', 'Tous les services'], ...[...services].sort(([, a], [, b]) => a.localeCompare(b, 'fr'))],
  };
}

/** One card of the list: whom, what (the items' names), when (date and time), in which state, until when. */
export function shareCard(share: Share, receipt: TransmissionReceipt | undefined) {
  const elements = receipt?.elements ?? [];
  const names = (wanted: (statut: string) => boolean) =>
    elements.filter((element) => wanted(element.statut)).map((element) => titleOf(element.scope, element.libelle));
  const justificatif = share.justificatif;
  const erasedAt = justificatif?.withdrawnAt ?? justificatif?.purgedAt ?? null;
  return {
    reference: share.reference,
    title: serviceName(share),
    status: SHARE_STATUS_TEXTS[shownStatusOf(share)],
    when: frenchDateTime(share.decidedAt),
    // A refusal sent nothing: it says what was asked. A transmission says what it carried, and what it could not.
    asked: receipt === undefined ? share.scopes.map((scope) => titleOf(scope, scope)) : [],
    sent: names((statut) => statut === 'disponible'),
    missing: names((statut) => statut !== 'disponible'),
    // Nothing obtained, nothing kept: no retention date to give.
    retention:
      justificatif === undefined || justificatif.outcome === 'none'
        ? undefined
        : erasedAt !== null
          ? `Effacées le ${frenchDate(erasedAt)}`
          : `Gardées jusqu’au ${frenchDate(justificatif.retentionUntil)}`,
  };
}
