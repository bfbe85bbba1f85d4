import { decodeProtectedHeader, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { claimsOf, createSigner, createVerifier, publicJwks } from './jws.js';
import { generateSigningKey } from './signing-keys.js';

const ISSUER = 'https://passerelle.example.gouv.fr';

describe('JWS signing', async () => {
  const keys = { keys: [await generateSigningKey('ES256')] };
  const sign = await createSigner(keys, ISSUER);
  const verify = createVerifier(keys, ISSUER);

  it('signs with the ES256 key, names its type, and is verified against the published keys only', async () => {
    const jws = await sign({ montant: 12 }, { typ: 'receipt+jwt', jti: 'r-1', issuedAt: Date.UTC(2026, 0, 1) });
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', typ: 'receipt+jwt', kid: keys.keys[0]?.kid });
    expect(await verify(jws, 'receipt+jwt')).toBe(true);
    expect(await verify(jws, 'justificatif+jwt')).toBe(false);
    const other = await createSigner({ keys: [await generateSigningKey('ES256')] }, ISSUER);
    expect(await verify(await other({}, { typ: 'receipt+jwt', jti: 'x', issuedAt: Date.now() }), 'receipt+jwt')).toBe(false);
  });

  it('refuses a JWS whose payload was changed', async () => {
    const jws = await sign({ valeur: 620 }, { typ: 'justificatif+jwt', jti: 'j-1', issuedAt: Date.now(), audience: 'sp', subject: 'sub' });
    const [header, , signature] = jws.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ valeur: 200, iss: ISSUER })).toString('base64url')}.${signature}`;
    expect(await verify(forged, 'justificatif+jwt')).toBe(false);
  });

  it('gives back what was signed, without the registered claims', async () => {
    const jws = await sign(
      { id: 'j-2', elements: [1, 2] },
      { typ: 'justificatif+jwt', jti: 'j-2', issuedAt: Date.now(), audience: 'sp', subject: 'sub' },
    );
    expect(claimsOf(jws)).toEqual({ id: 'j-2', elements: [1, 2] });
  });

  it('publishes no private part of the keys', () => {
    for (const key of publicJwks(keys).keys as Array<JWK & Record<string, unknown>>)
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[part]).toBeUndefined();
  });
});
