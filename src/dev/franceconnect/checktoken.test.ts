import { compactDecrypt, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENTS, type LocalFc, startLocalFc } from '../../../test/helpers/local-franceconnect.js';
import { type OpenPort, openPort } from '../../http/listen.js';
import { createTokenChecker, type EncryptionKeys, generateEncryptionKeys } from '../sandbox/franceconnect-token.js';
import type { DataProviderRegistration } from './checktoken.js';

// FranceConnect v2's checktoken as its own suite asserts it (../shared/reference/franceconnect.md §6.2).
let fc: LocalFc;
let dataProviderKeys: OpenPort;
let encryption: EncryptionKeys;
const CAF: DataProviderRegistration = {
  clientId: 'fd-caf',
  clientSecret: 'secret-du-fournisseur-de-donnees-caf-0123456789',
  scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
  jwksUri: '',
};
const DGFIP: DataProviderRegistration = { ...CAF, clientId: 'fd-dgfip', scopes: ['dgfip_rfr', 'dgfip_annee_n_moins_1'] };

beforeAll(async () => {
  encryption = await generateEncryptionKeys();
  // Where the data providers publish the key FranceConnect encrypts to (both share it here).
  dataProviderKeys = await openPort('127.0.0.1', 0);
  dataProviderKeys.attach((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(encryption.publicJwks));
  });
  const jwksUri = `${dataProviderKeys.origin}/jwks`;
  fc = await startLocalFc(50, [
    { ...CAF, jwksUri },
    { ...DGFIP, jwksUri },
  ]);
});
afterAll(async () => {
  await fc.close();
  await dataProviderKeys.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const SCOPE = 'openid given_name family_name birthdate gender birthplace birthcountry cnaf_quotient_familial dgfip_rfr dgfip_annee_n_moins_1';
const citizenToken = async () => (await fc.tokens({ client_id: CLIENTS.data.client_id, scope: SCOPE })).access_token;

const checktoken = (form: Record<string, string>) =>
  fetch(`${fc.issuer}/checktoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
const asProvider = (provider: DataProviderRegistration, token: string) =>
  checktoken({ token, client_id: provider.clientId, client_secret: provider.clientSecret });

/** What a data provider reads: decrypted with its key, verified against FranceConnect's. */
async function introspected(response: Response) {
  const { plaintext, protectedHeader } = await compactDecrypt(await response.text(), encryption.privateKey);
  const keys = createLocalJWKSet((await (await fetch(`${fc.issuer}/jwks`)).json()) as JSONWebKeySet);
  const signed = new TextDecoder().decode(plaintext);
  const { payload } = await jwtVerify(signed, keys, { issuer: fc.issuer });
  return { payload, encryptionHeader: protectedHeader, signatureHeader: decodeProtectedHeader(signed) };
}

describe('checktoken', () => {
  it('answers a valid token with a JWT signed by FranceConnect then encrypted to the data provider, its own sub and its scopes only', async () => {
    const token = await citizenToken();
    const response = await asProvider(CAF, token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/token-introspection+jwt');
    const { payload, encryptionHeader, signatureHeader } = await introspected(response);
    expect(encryptionHeader).toMatchObject({ alg: 'RSA-OAEP', enc: 'A256GCM' });
    expect(signatureHeader.alg).toBe('ES256');
    expect(payload.aud).toBe(CAF.clientId);
    const introspection = payload.token_introspection as Record<string, unknown>;
    expect(introspection).toMatchObject({
      active: true,
      aud: CLIENTS.data.client_id,
      acr: 'eidas1',
      given_name: 'Angela Claire Louise',
      given_name_array: ['Angela', 'Claire', 'Louise'],
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      gender: 'female',
      birthplace: '75107',
      birthcountry: '99100',
    });
    expect(introspection.exp).toBeGreaterThan(introspection.iat as number);
    // Another data provider's scopes are cut; identity scopes stay.
    expect(String(introspection.scope).split(' ')).toContain('cnaf_quotient_familial');
    expect(String(introspection.scope).split(' ')).toContain('openid');
    expect(String(introspection.scope)).not.toContain('dgfip');
    // Each data provider has its own subject for the person.
    const dgfip = (await introspected(await asProvider(DGFIP, token))).payload.token_introspection as Record<string, unknown>;
    expect(dgfip.sub).not.toBe(introspection.sub);
    expect(String(dgfip.scope).split(' ')).toEqual(expect.arrayContaining(['dgfip_rfr', 'dgfip_annee_n_moins_1']));
    expect(String(dgfip.scope)).not.toContain('cnaf');
  });

  it('says active: false for an expired token (60 seconds) and for an unknown one', async () => {
    const token = await citizenToken();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const expired = await asProvider(CAF, token);
    expect(expired.status).toBe(200);
    expect((await introspected(expired)).payload.token_introspection).toEqual({ active: false });
    vi.useRealTimers();
    expect((await introspected(await asProvider(CAF, 'jeton-inconnu'))).payload.token_introspection).toEqual({ active: false });
  });

  it('refuses a wrong data-provider client with 401 invalid_client, and a malformed request with 400 invalid_request', async () => {
    const token = await citizenToken();
    const wrongSecret = await checktoken({ token, client_id: CAF.clientId, client_secret: 'pas-le-bon-secret-0000000000000000' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect((await checktoken({ token, client_id: 'fd-inconnu', client_secret: CAF.clientSecret })).status).toBe(401);
    const missing = await checktoken({ client_id: CAF.clientId, client_secret: CAF.clientSecret });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'Required parameter missing or invalid.' });
  });
});

describe('a data provider checking a token (the sandbox, as API Particulier does)', () => {
  it('accepts FranceConnect’s answer for itself, and refuses one meant for another data provider (another audience)', async () => {
    const checker = createTokenChecker({ issuer: fc.issuer, encryption });
    const token = await citizenToken();
    expect(await checker.check(token, CAF)).toMatchObject({ kind: 'active', introspection: { family_name: 'DUBOIS' } });
    const meantForDgfip = await (await asProvider(DGFIP, token)).text();
    expect(await checker.read(meantForDgfip, CAF)).toEqual({ kind: 'refused', code: '50002' });
  });

  it('says 50002 for an expired token, 50001 for a malformed request, and unavailable when FranceConnect cannot be reached', async () => {
    const checker = createTokenChecker({ issuer: fc.issuer, encryption });
    expect(await checker.check('jeton-inconnu', CAF)).toEqual({ kind: 'refused', code: '50002' });
    expect(await checker.check('', CAF)).toEqual({ kind: 'refused', code: '50001' });
    expect(await checker.check('x', { ...CAF, clientSecret: 'faux-secret-000000000000000000000' })).toEqual({ kind: 'refused', code: '50002' });
    const unreachable = createTokenChecker({ issuer: 'http://127.0.0.1:1/api/v2', encryption });
    expect(await unreachable.check('x', CAF)).toEqual({ kind: 'unavailable' });
  });
});
