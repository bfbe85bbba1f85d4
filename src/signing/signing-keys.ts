import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { lockUntilCommit } from '../db/database.js';
import type { Database } from '../db/schema.js';

export interface PrivateJwks {
  keys: JWK[];
}

export async function generateSigningKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
  return { ...(pair.privateKey.export({ format: 'jwk' }) as JWK), kid: await calculateJwkThumbprint(publicJwk), alg, use: 'sig' };
}

/**
 * The portal's signing keys. Production passes them in configuration (shared by every node); development generates
 * an ES256 and an RS256 key on first start and keeps them in the database, so tokens survive a restart.
 */
export async function loadSigningKeys(db: Kysely<Database>, configured: PrivateJwks | undefined): Promise<PrivateJwks> {
  if (configured !== undefined) return configured;
  // Nodes starting together on an empty database must agree on one key set: the first generates it, the others wait
  // for its commit and read it.
  return db.transaction().execute(async (trx) => {
    await lockUntilCommit(trx, 'signingKeys');
    const stored = await trx.selectFrom('signing_key').select('private_jwk').orderBy('created_at').execute();
    if (stored.length > 0) return { keys: stored.map((row) => JSON.parse(row.private_jwk) as JWK) };
    const keys = [await generateSigningKey('ES256'), await generateSigningKey('RS256')];
    const now = Date.now();
    await trx
      .insertInto('signing_key')
      .values(keys.map((key, index) => ({ kid: String(key.kid), private_jwk: JSON.stringify(key), created_at: now + index })))
      .execute();
    return { keys };
  });
}
