import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDossiers } from './evenements.js';

const PORTAL = 'https://passerelle.exemple.gouv.fr';
const RETRAIT = 'urn:passerelle-particulier:evenement:justificatif.retire';
let portalKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  const portal = await generateKeyPair('ES256');
  portalKey = portal.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(portal.publicKey)), kid: 'k1', alg: 'ES256' }] };
});

const token = (options: { key?: CryptoKey; audience?: string; issuer?: string; jti?: string; typ?: string } = {}) =>
  new SignJWT({ events: { [RETRAIT]: { justificatif: 'j-1', numero: 'PP-2026-AAAA-BBBB', retire_le: '2026-12-06T09:41:00.000Z' } } })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: options.typ ?? 'secevent+jwt' })
    .setIssuer(options.issuer ?? PORTAL)
    .setAudience(options.audience ?? 'demo-cantine')
    .setJti(options.jti ?? 'evt-1')
    .setIssuedAt()
    .sign(options.key ?? portalKey);

const dossiers = () =>
  createDossiers({ issuer: PORTAL, audiences: ['demo-cantine'], keys: createLocalJWKSet(jwks), now: () => new Date('2026-12-06T09:41:02Z') });

describe('the demo service’s event receiver', () => {
  it('acts on a withdrawal signed by the portal for this service: the file says withdrawn, and when it heard of it', async () => {
    const files = dossiers();
    files.recu({ id: 'j-1', numero: 'PP-2026-AAAA-BBBB' });
    expect(await files.evenement(await token())).toBeUndefined();
    expect(files.dossiers()).toMatchObject([
      { justificatif: 'j-1', retireLe: new Date('2026-12-06T09:41:00Z'), retraitNotifieLe: new Date('2026-12-06T09:41:02Z') },
    ]);
    // The same event again (same jti) is taken without a second entry.
    expect(await files.evenement(await token())).toBeUndefined();
    expect(files.recus()).toHaveLength(1);
  });

  it('refuses, with RFC 8935’s codes, a token signed by another key, for another service, from another issuer, or not an event', async () => {
    const files = dossiers();
    expect(await files.evenement(await token({ key: otherKey }))).toMatchObject({ err: 'invalid_key' });
    expect(await files.evenement(await token({ audience: 'autre-service' }))).toMatchObject({ err: 'invalid_audience' });
    expect(await files.evenement(await token({ issuer: 'https://ailleurs.example' }))).toMatchObject({ err: 'invalid_issuer' });
    expect(await files.evenement(await token({ typ: 'justificatif+jwt' }))).toMatchObject({ err: 'invalid_request' });
    expect(await files.evenement('pas-un-jeton')).toMatchObject({ err: 'invalid_request' });
    expect(files.dossiers()).toEqual([]);
    expect(files.recus()).toEqual([]);
  });
});
