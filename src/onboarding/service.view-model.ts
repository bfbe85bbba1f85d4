import type { ServiceProviderRow } from '../registry/service-provider.repository.js';
import { frenchDateTime } from '../wording/dates.fr.js';

/** What a service's page in /fournisseurs says of how it authenticates: sentences, nothing left to compute in the template. */
export function serviceView(service: ServiceProviderRow, now: number) {
  const overlap = service.previous_secret_hash !== null && service.previous_secret_until !== null && service.previous_secret_until > now;
  return {
    clientId: service.client_id,
    procedure: service.procedure_name,
    sandbox: service.environment === 'bac_a_sable',
    redirectUris: (JSON.parse(service.redirect_uris) as string[]).join('\n'),
    usesSecret: service.auth_method !== 'private_key_jwt',
    authentication:
      service.auth_method !== 'private_key_jwt'
        ? 'Secret partagé (client_secret_basic ou client_secret_post).'
        : service.jwks_uri !== null
          ? 'Clé privée (private_key_jwt), clés publiques lues à l’adresse ci-dessous.'
          : 'Clé privée (private_key_jwt), clés publiques remises à l’équipe du portail.',
    jwksUri: service.jwks_uri,
    previousSecretUntil: overlap && service.previous_secret_until !== null ? frenchDateTime(service.previous_secret_until) : undefined,
    webhookUrl: service.webhook_url,
  };
}
