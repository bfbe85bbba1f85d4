import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { addMonths, MAX_VALIDITY_MONTHS } from './habilitation.js';
import { type HabilitationInput, type Registry, RegistryError } from './registry.service.js';

const habilitationSeed = z.object({
  id: z.string(),
  scopes: z.array(z.string()),
  purpose: z.string(),
  legal_basis: z.string(),
  legal_reference: z.string(),
  retention_days: z.number().int(),
  // Counted from the habilitation's creation, so that a shipped file does not go stale.
  valid_for_months: z.number().int().min(1).max(MAX_VALIDITY_MONTHS),
  /** Per scope, the derived answer sent instead of the raw value: { "regle": "tranche", "bornes": [450, 800] }… */
  derivations: z.record(z.string(), z.unknown()).optional(),
  /** Per API, how it is asked: { "quotient_familial": "france_connect" } (catalogue/call-modes.ts). */
  call_modes: z.record(z.string(), z.unknown()).optional(),
});

const serviceProviderSeed = z.object({
  client_id: z.string(),
  client_secret: z.string().optional(),
  client_secret_hash: z.string().optional(),
  jwks: z.object({ keys: z.array(z.looseObject({ kty: z.string() })) }).optional(),
  display_name: z.string(),
  procedure_name: z.string(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()).default([]),
  /** Where the service takes its events (justificatif.retire, habilitation.expire_bientot). */
  webhook_url: z.string().optional(),
  habilitations: z.array(habilitationSeed).default([]),
});

const seedSchema = z.object({
  organisations: z.array(
    z.object({
      siret: z.string(),
      name: z.string(),
      service_providers: z.array(serviceProviderSeed).default([]),
      agents: z.array(z.object({ email: z.string(), role: z.string() })).default([]),
    }),
  ),
});

/** The values a seed file may name: the demo service provider's address and credentials, the portal's address. */
export const seedVariables = (config: Config): Record<string, string> => ({
  DEMO_SP_URL: config.demoServiceProvider.url,
  DEMO_SP_CLIENT_ID: config.demoServiceProvider.clientId,
  DEMO_SP_CLIENT_SECRET: config.demoServiceProvider.clientSecret,
  PUBLIC_URL: config.http.publicUrl,
});

/** Replaces ${NAME} with the given values; an unknown name is an error rather than a silent blank. */
function substitute(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_]+)\}/g, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new RegistryError(`variable inconnue dans le fichier d’amorçage : \${${name}}`);
    return value;
  });
}

/**
 * Applies a declarative file of organisations, service providers and habilitations. Idempotent: known entries are
 * updated, new ones created, nothing deleted.
 */
export async function applySeed(registry: Registry, path: string, variables: Record<string, string>): Promise<{ serviceProviders: number }> {
  let json: unknown;
  try {
    json = JSON.parse(substitute(readFileSync(path, 'utf8'), variables));
  } catch (error) {
    throw new RegistryError(`fichier d’amorçage ${path} illisible : ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = seedSchema.safeParse(json);
  if (!parsed.success) {
    throw new RegistryError(
      `fichier d’amorçage ${path} invalide : ${parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join('; ')}`,
    );
  }
  let count = 0;
  for (const organisation of parsed.data.organisations) {
    await registry.upsertOrganisation({ siret: organisation.siret, name: organisation.name });
    for (const agent of organisation.agents) await registry.addAgent({ siret: organisation.siret, ...agent });
    for (const sp of organisation.service_providers) {
      await registry.upsertServiceProvider({
        siret: organisation.siret,
        clientId: sp.client_id,
        clientSecret: sp.client_secret,
        clientSecretHash: sp.client_secret_hash,
        jwks: sp.jwks,
        displayName: sp.display_name,
        procedureName: sp.procedure_name,
        redirectUris: sp.redirect_uris,
        postLogoutRedirectUris: sp.post_logout_redirect_uris,
        webhookUrl: sp.webhook_url,
      });
      for (const h of sp.habilitations) {
        const validFrom = Date.now();
        await registry.upsertHabilitation({
          id: h.id,
          clientId: sp.client_id,
          scopes: h.scopes,
          purpose: h.purpose,
          legalBasis: h.legal_basis,
          legalReference: h.legal_reference,
          retentionDays: h.retention_days,
          derivations: h.derivations as HabilitationInput['derivations'],
          callModes: h.call_modes as HabilitationInput['callModes'],
          validFrom,
          validUntil: addMonths(validFrom, h.valid_for_months),
        });
      }
      count += 1;
    }
  }
  return { serviceProviders: count };
}
