import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The identity scopes a service provider is entitled to by default. */
export const IDENTITY_SCOPES =
  'openid given_name family_name birthdate gender birthplace birthcountry preferred_username email profile birth identite_pivot idp_birthdate amr';

const clientSchema = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(32),
  client_name: z.string().min(1).default('Service de démonstration'),
  redirect_uris: z.array(z.url()).min(1),
  post_logout_redirect_uris: z.array(z.url()).default([]),
  signing_alg: z.enum(['ES256', 'RS256', 'HS256']).default('ES256'),
  // Scopes this service provider is entitled to; others answer invalid_scope, as on the real platform.
  scope: z.string().default(IDENTITY_SCOPES),
});

export type LocalClient = z.infer<typeof clientSchema>;

/** Extra service providers for the local FranceConnect, from a JSON file: { "clients": [ … ] }. */
export function loadClients(path: string): LocalClient[] {
  const parsed = z.object({ clients: z.array(clientSchema) }).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`Fichier de clients ${path} invalide : ${parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join('; ')}`);
  }
  return parsed.data.clients;
}

export const parseClient = (client: z.input<typeof clientSchema>): LocalClient => clientSchema.parse(client);
