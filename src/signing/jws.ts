import { createLocalJWKSet, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { PrivateJwks } from './signing-keys.js';

/** The public half of our signing keys, for /.well-known/jwks.json. */
export function publicJwks(keys: PrivateJwks): { keys: JWK[] } {
  return { keys: keys.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => publicPart) };
}

export interface SignedClaims {
  /** The JWS `typ`: « justificatif+jwt », « receipt+jwt ». */
  typ: string;
  jti: string;
  issuedAt: number;
  audience?: string;
  subject?: string;
}

/** Signs claims as a JWT (ES256) with the portal's key, so that any JOSE library verifies it against the published JWKS. */
export type Signer = (claims: Record<string, unknown>, header: SignedClaims) => Promise<string>;

export async function createSigner(keys: PrivateJwks, issuer: string): Promise<Signer> {
  const jwk = keys.keys.find((key) => key.alg === 'ES256' || key.crv === 'P-256');
  if (jwk?.kid === undefined) throw new Error('aucune clé ES256 (avec kid) pour signer les justificatifs');
  const kid = jwk.kid;
  const key = await importJWK(jwk, 'ES256');
  return (claims, { typ, jti, issuedAt, audience, subject }) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ })
      .setIssuer(issuer)
      .setJti(jti)
      .setIssuedAt(Math.floor(issuedAt / 1000));
    if (audience !== undefined) jwt.setAudience(audience);
    if (subject !== undefined) jwt.setSubject(subject);
    return jwt.sign(key);
  };
}

/** Whether a JWS of the given `typ` was signed by one of our published keys, for our issuer. */
export type Verifier = (jws: string, typ: string) => Promise<boolean>;

export function createVerifier(keys: PrivateJwks, issuer: string): Verifier {
  const jwks = createLocalJWKSet(publicJwks(keys));
  return async (jws, typ) => {
    try {
      await jwtVerify(jws, jwks, { issuer, typ });
      return true;
    } catch {
      return false;
    }
  };
}

/** Registered claims, set by the signer, that are not part of what was signed. */
const REGISTERED = new Set(['iss', 'aud', 'sub', 'jti', 'iat']);

/**
 * The payload of one of our own stored JWS, without checking the signature: its integrity comes from the storage's
 * authenticated encryption (`Verifier` checks signatures).
 */
export const payloadOf = (jws: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** What was signed: the payload without the registered claims the signer adds. */
export const claimsOf = (jws: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(payloadOf(jws)).filter(([name]) => !REGISTERED.has(name)));
