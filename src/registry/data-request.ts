import { type CallModes, callModesFor } from '../catalogue/call-modes.js';
import { apisFor } from '../catalogue/catalogue.js';
import { type Derivations, parseDerivations } from '../catalogue/derivations.js';
import type { HabilitationTable, ServiceEnvironment } from '../db/schema.js';
import type { ServiceProviderRow } from './service-provider.repository.js';

/**
 * What a service provider asks of a citizen, as the habilitation in force allows it: who asks, for which procedure,
 * why, on which legal basis, for how long, and which items. Plain data: pages turn it into words, the gateway fetches
 * it, the transmission records it.
 */
export interface DataRequest {
  clientId: string;
  /** « bac à sable »: test identities and test platforms only; production: the real ones. */
  environment: ServiceEnvironment;
  habilitationId: string;
  organisation: { id: string; name: string; siret: string };
  procedure: string;
  purpose: string;
  legalBasis: string;
  legalReference: string;
  retentionDays: number;
  /** The scopes asked that the habilitation allows, in the order asked; any other is left out. */
  scopes: string[];
  /** Per scope, the derived answer sent instead of the raw value (catalogue/derivations.ts). */
  derivations: Derivations;
  /** Per API of the request, how it is asked: by identity or with the citizen's FranceConnect token. */
  callModes: CallModes;
}

export function dataRequestOf(sp: ServiceProviderRow, habilitation: HabilitationTable, askedScopes: string[]): DataRequest {
  const allowed = new Set(JSON.parse(habilitation.scopes) as string[]);
  const scopes = [...new Set(askedScopes)].filter((scope) => allowed.has(scope));
  return {
    clientId: sp.client_id,
    environment: sp.environment,
    habilitationId: habilitation.id,
    organisation: { id: sp.organisation_id, name: sp.organisation_name, siret: sp.organisation_siret },
    procedure: sp.procedure_name,
    purpose: habilitation.purpose,
    legalBasis: habilitation.legal_basis,
    legalReference: habilitation.legal_reference,
    retentionDays: habilitation.retention_days,
    scopes,
    derivations: parseDerivations(habilitation.derivations),
    callModes: callModesFor(habilitation.call_modes, apisFor(scopes)),
  };
}
