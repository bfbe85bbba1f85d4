import type { InteractionResults } from 'oidc-provider';
import { groupByProducer } from '../catalogue/catalogue.js';
import { AppError } from '../http/errors.js';
import type { Registry } from '../registry/registry.service.js';

export type InteractionDetails = Awaited<ReturnType<import('oidc-provider').default['interactionDetails']>>;
export type { InteractionResults };

const formatSiret = (siret: string) => `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;

export function retentionText(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 an' : `${days / 365} ans`;
  if (days % 30 === 0) return `${days / 30} mois`;
  return days === 1 ? '1 jour' : `${days} jours`;
}

/**
 * Everything the request and consent pages say: who asks (from the SIRET registry, not free text), why, what
 * (grouped by producer), for how long. Only items of the habilitation in force are shown, whatever was asked.
 */
export async function requestView(registry: Registry, details: InteractionDetails) {
  const clientId = String(details.params.client_id);
  const [sp, habilitation] = await Promise.all([registry.findServiceProvider(clientId), registry.activeHabilitation(clientId)]);
  if (sp === undefined || habilitation === undefined) {
    throw new AppError('DEMANDE-003', `pas d’habilitation en vigueur pour ${clientId}`, { view: { sp: sp?.organisation_name } });
  }
  const allowed = new Set(JSON.parse(habilitation.scopes) as string[]);
  const scopes = String(details.params.scope ?? '')
    .split(' ')
    .filter((scope) => allowed.has(scope));
  return {
    uid: details.uid,
    clientId,
    habilitationId: habilitation.id,
    organisation: sp.organisation_name,
    siret: formatSiret(sp.organisation_siret),
    organisationSiret: sp.organisation_siret,
    organisationId: sp.organisation_id,
    retentionDays: habilitation.retention_days,
    procedure: sp.procedure_name,
    purpose: habilitation.purpose,
    legalBasis: habilitation.legal_basis,
    legalReference: habilitation.legal_reference,
    legalReferenceUrl: /^https:\/\//.test(habilitation.legal_reference) ? habilitation.legal_reference : undefined,
    retention: retentionText(habilitation.retention_days),
    scopes,
    groups: groupByProducer(scopes),
  };
}

export type RequestView = Awaited<ReturnType<typeof requestView>>;
