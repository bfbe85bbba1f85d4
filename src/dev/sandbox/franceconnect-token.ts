import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactDecrypt, createRemoteJWKSet, type JWK, jwtVerify } from 'jose';
import { z } from 'zod';
import { SCOPES } from '../../catalogue/scopes.js';

/**
 * A data provider's side of FranceConnect's checktoken, as API Particulier does it: the citizen's access token is sent
 * to FranceConnect with this API's own data-provider credentials; the answer is decrypted with the provider's key,
 * its signature checked against FranceConnect's keys, its issuer and audience checked, then read.
 */
export interface DataProviderCredentials {
  clientId: string;
  clientSecret: string;
}

/** The key FranceConnect encrypts to, published at /api/france_connect_jwks as API Particulier publishes its own. */
export interface EncryptionKeys {
  privateKey: KeyObject;
  publicJwks: { keys: JWK[] };
}

export async function generateEncryptionKeys(): Promise<EncryptionKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = `bac-a-sable:${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  return { privateKey, publicJwks: { keys: [{ ...jwk, kid, use: 'enc', alg: 'RSA-OAEP' }] } };
}

const introspectionSchema = z.object({
  active: z.literal(true),
  aud: z.string(),
  sub: z.string(),
  exp: z.number(),
  scope: z.string(),
  given_name: z.string().min(1),
  family_name: z.string().min(1),
  birthdate: z.string().min(4),
  gender: z.enum(['female', 'male']),
  birthplace: z.string(),
  birthcountry: z.string(),
});

export type Introspection = z.infer<typeof introspectionSchema>;

/**
 * What a data provider gives in FranceConnect mode: only the fields the token's scopes cover, as API Particulier reads
 * the token's scopes as the caller's rights (no identity block) and the DGFiP keeps the fields of its granted scopes.
 */
export function onlyGranted(data: Record<string, unknown>, api: string, introspection: Introspection): Record<string, unknown> {
  const granted = new Set(introspection.scope.split(' '));
  const keys = new Set(
    SCOPES.filter((entry) => entry.api === api && granted.has(entry.scope)).flatMap((entry) => entry.fields.map((f) => f.split('.')[0])),
  );
  return Object.fromEntries(Object.entries(data).filter(([key]) => keys.has(key)));
}

/**
 * What a token check comes to, in API Particulier's codes: 50001 malformed (FranceConnect answered 400), 50002 not
 * found or expired (401 or inactive), 50003 without the identity it needs; `unavailable` when FranceConnect could not
 * be asked or read.
 */
export type TokenCheck =
  | { kind: 'active'; introspection: Introspection }
  | { kind: 'refused'; code: '50001' | '50002' | '50003' }
  | { kind: 'unavailable' };

export function createTokenChecker(options: { issuer: string; encryption: EncryptionKeys }) {
  const fcKeys = createRemoteJWKSet(new URL(`${options.issuer}/jwks`));

  /** Reads FranceConnect's answer for this provider: any failure to decrypt or verify is not trusted. */
  const read = async (body: string, credentials: DataProviderCredentials): Promise<TokenCheck> => {
    let payload: unknown;
    try {
      const { plaintext } = await compactDecrypt(body, options.encryption.privateKey);
      ({ payload } = await jwtVerify(new TextDecoder().decode(plaintext), fcKeys, { issuer: options.issuer, audience: credentials.clientId }));
    } catch {
      return { kind: 'refused', code: '50002' };
    }
    const said = (payload as { token_introspection?: { active?: unknown } }).token_introspection;
    if (said?.active !== true) return { kind: 'refused', code: '50002' };
    const introspection = introspectionSchema.safeParse(said);
    return introspection.success ? { kind: 'active', introspection: introspection.data } : { kind: 'refused', code: '50003' };
  };

  return {
    async check(token: string, credentials: DataProviderCredentials): Promise<TokenCheck> {
      let response: Response;
      try {
        response = await fetch(`${options.issuer}/checktoken`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, client_id: credentials.clientId, client_secret: credentials.clientSecret }),
          signal: AbortSignal.timeout(5000),
        });
      } catch {
        return { kind: 'unavailable' };
      }
      const body = await response.text();
      if (response.status === 400) return { kind: 'refused', code: '50001' };
      if (response.status === 401) return { kind: 'refused', code: '50002' };
      if (response.status !== 200) return { kind: 'unavailable' };
      return read(body, credentials);
    },
    /** For tests: what a provider makes of an answer it did not ask for itself. */
    read,
  };
}

export type TokenChecker = ReturnType<typeof createTokenChecker>;
