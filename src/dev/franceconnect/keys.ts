import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';

export interface SigningKeys {
  privateJwks: { keys: JWK[] };
  publicJwks: { keys: JWK[] };
}

/**
 * Fresh ES256 and RS256 keys for each start of the local platform. Their kid is a thumbprint, so a relying
 * party that cached the previous keys sees an unknown kid and fetches the JWKS again, as it must on the real one.
 */
export async function generateSigningKeys(): Promise<SigningKeys> {
  const pairs = [
    { alg: 'ES256', pair: generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
    { alg: 'RS256', pair: generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  ];
  const privateKeys: JWK[] = [];
  const publicKeys: JWK[] = [];
  for (const { alg, pair } of pairs) {
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
    const kid = `local:${alg}:${(await calculateJwkThumbprint(publicJwk)).slice(0, 16)}`;
    const meta = { kid, alg, use: 'sig' };
    publicKeys.push({ ...publicJwk, ...meta });
    privateKeys.push({ ...(pair.privateKey.export({ format: 'jwk' }) as JWK), ...meta });
  }
  return { privateJwks: { keys: privateKeys }, publicJwks: { keys: publicKeys } };
}
