import { createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { PrivateJwks } from '../authorization/signing-keys.js';
import type { JustificatifDocument } from './justificatif.js';

/** The public half of our signing keys, for /.well-known/jwks.json. */
export function publicJwks(keys: PrivateJwks): { keys: JWK[] } {
  return { keys: keys.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => publicPart) };
}

/**
 * Signs a justificatif as a JWT (ES256, typ "justificatif+jwt") with the gateway's key, so that any JOSE library
 * verifies it against the published JWKS.
 */
export async function createJustificatifSigner(keys: PrivateJwks, issuer: string) {
  const jwk = keys.keys.find((key) => key.alg === 'ES256' || key.crv === 'P-256');
  if (jwk === undefined || jwk.kid === undefined) throw new Error('aucune clé ES256 (avec kid) pour signer les justificatifs');
  const key = await importJWK(jwk, 'ES256');
  return (document: JustificatifDocument) =>
    new SignJWT({ ...document })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string, typ: 'justificatif+jwt' })
      .setIssuer(issuer)
      .setAudience(document.destinataire.client_id)
      .setSubject(document.sujet)
      .setJti(document.id)
      .setIssuedAt(Math.floor(Date.parse(document.emis_le) / 1000))
      .sign(key);
}

export type JustificatifSigner = Awaited<ReturnType<typeof createJustificatifSigner>>;

/** Verifies a justificatif's signature against our published keys and issuer. */
export function createJustificatifVerifier(keys: PrivateJwks, issuer: string): (jws: string) => Promise<boolean> {
  const jwks = createLocalJWKSet(publicJwks(keys));
  return async (jws) => {
    try {
      await jwtVerify(jws, jwks, { issuer, typ: 'justificatif+jwt' });
      return true;
    } catch {
      return false;
    }
  };
}
