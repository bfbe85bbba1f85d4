import { createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { PrivateJwks } from './signing-keys.js';
import type { JustificatifDocument } from '../justificatif/document.js';

/** The public half of our signing keys, for /.well-known/jwks.json. */
export function publicJwks(keys: PrivateJwks): { keys: JWK[] } {
  return { keys: keys.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => publicPart) };
}

/**
 * Signs a justificatif as a JWT (ES256, typ "justificatif+jwt") with the gateway's key, so that any JOSE library
 * verifies it against the published JWKS. `signReceipt` signs the citizen's receipts the same way (typ "receipt+jwt").
 */
export async function createJustificatifSigner(keys: PrivateJwks, issuer: string) {
  const jwk = keys.keys.find((key) => key.alg === 'ES256' || key.crv === 'P-256');
  if (jwk === undefined || jwk.kid === undefined) throw new Error('aucune clé ES256 (avec kid) pour signer les justificatifs');
  const key = await importJWK(jwk, 'ES256');
  const signed = (claims: Record<string, unknown>, typ: string, jti: string, issuedAt: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string, typ })
      .setIssuer(issuer)
      .setJti(jti)
      .setIssuedAt(Math.floor(issuedAt / 1000));
  const sign = (document: JustificatifDocument) =>
    signed({ ...document }, 'justificatif+jwt', document.id, Date.parse(document.emis_le))
      .setAudience(document.destinataire.client_id)
      .setSubject(document.sujet)
      .sign(key);
  sign.receipt = (receipt: { recu_id: string; horodatage: string } & Record<string, unknown>) =>
    signed(receipt, 'receipt+jwt', receipt.recu_id, Date.parse(receipt.horodatage)).sign(key);
  return sign;
}

export type JustificatifSigner = Awaited<ReturnType<typeof createJustificatifSigner>>;

/** Verifies a justificatif's (or a receipt's) signature against our published keys and issuer. */
export function createJustificatifVerifier(keys: PrivateJwks, issuer: string): (jws: string, typ?: string) => Promise<boolean> {
  const jwks = createLocalJWKSet(publicJwks(keys));
  return async (jws, typ = 'justificatif+jwt') => {
    try {
      await jwtVerify(jws, jwks, { issuer, typ });
      return true;
    } catch {
      return false;
    }
  };
}
