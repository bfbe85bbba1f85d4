import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLIENTS, hex, type LocalFc, RP_ORIGIN, SECRET, startLocalFc, tokenForm } from '../../../test/helpers/local-franceconnect.js';

// Assertion numbers refer to ../shared/reference/fc-conformance.md (§1.4 token, §1.5 userinfo, §1.8 revocation).
let fc: LocalFc;
let jwks: ReturnType<typeof createLocalJWKSet>;
const SLOW_TOKEN_MS = 400;

beforeAll(async () => {
  fc = await startLocalFc(SLOW_TOKEN_MS);
  jwks = createLocalJWKSet((await (await fetch(`${fc.issuer}/jwks`)).json()) as JSONWebKeySet);
});
afterAll(() => fc.close());

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
const userinfo = (accessToken: string, init: RequestInit = {}) =>
  fetch(`${fc.issuer}/userinfo`, { ...init, headers: { authorization: `Bearer ${accessToken}`, ...init.headers } });

async function expectTokenError(response: Response, status: number, error: string, description: string, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as Record<string, string>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description', 'error_uri']);
  expect(body.error).toBe(error);
  expect(body.error_description).toBe(description);
  expect(body.error_uri).toContain(`code=${code}&id=`);
}

describe('token', () => {
  it('T1, T2 (39, 40): exactly five fields, expires_in 60, opaque 43-character token, no-store, no cookie', async () => {
    const { code } = await fc.code();
    const response = await fc.token(tokenForm(code));
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ expires_in: 60, token_type: 'Bearer', scope: 'openid given_name family_name' });
    expect(body.access_token).toMatch(/^[\w-]{43}$/);
  });

  it('T3 (41): the ID token header is exactly {alg, kid}, per client, verifiable with the JWKS or the secret', async () => {
    for (const client of [CLIENTS.es256, CLIENTS.rs256]) {
      const { id_token } = await fc.tokens({ client_id: client.client_id });
      const header = decodeProtectedHeader(id_token);
      expect(Object.keys(header).sort()).toEqual(['alg', 'kid']);
      expect(header.alg).toBe(client.signing_alg);
      await expect(jwtVerify(id_token, jwks, { issuer: fc.issuer, audience: client.client_id })).resolves.toBeDefined();
    }
    const { id_token } = await fc.tokens({ client_id: CLIENTS.hs256.client_id });
    expect(decodeProtectedHeader(id_token).alg).toBe('HS256');
    await expect(
      jwtVerify(id_token, new TextEncoder().encode(SECRET), { issuer: fc.issuer, audience: CLIENTS.hs256.client_id }),
    ).resolves.toBeDefined();
  });

  it('T4 (42): the ID token carries exactly FranceConnect claims, amr only when asked for', async () => {
    const nonce = hex();
    const { id_token } = await fc.tokens({ nonce });
    const claims = payloadOf(id_token);
    expect(Object.keys(claims).sort()).toEqual(['acr', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'nonce', 'sub']);
    expect(claims).toMatchObject({ iss: fc.issuer, aud: CLIENTS.es256.client_id, nonce, acr: 'eidas1' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    expect(claims.sub).toMatch(/^[0-9a-f]{64}v1$/);

    const withAmr = payloadOf((await fc.tokens({ claims: JSON.stringify({ id_token: { amr: { essential: true } } }) })).id_token);
    expect(Object.keys(withAmr)).toHaveLength(9);
    expect(Array.isArray(withAmr.amr)).toBe(true);
  });

  it('T4 (42): sub is stable for one person and one client, different across clients and persons', async () => {
    const sub = async (client_id: string, login = 'test') => payloadOf((await fc.tokens({ client_id }, login)).id_token).sub;
    const first = await sub(CLIENTS.es256.client_id);
    expect(await sub(CLIENTS.es256.client_id)).toBe(first);
    expect(await sub(CLIENTS.rs256.client_id)).not.toBe(first);
    expect(await sub(CLIENTS.es256.client_id, 'ne_en_corse')).not.toBe(first);
  });

  it('T5 (43): a wrong secret is 401 invalid_client in FranceConnect format', async () => {
    const { code } = await fc.code();
    await expectTokenError(
      await fc.token(tokenForm(code, { client_secret: 'wrong-client-secret' })),
      401,
      'invalid_client',
      'client authentication failed (invalid secret provided)',
      'Y0434A7B',
    );
  });

  it('T6, T7 (44, 45): a missing or unknown code is refused', async () => {
    await expectTokenError(await fc.token(tokenForm('', {})), 400, 'invalid_request', "missing required parameter 'code' (undefined)", 'Y048017B');
    await expectTokenError(
      await fc.token(tokenForm('inconnu'.padEnd(43, 'x'))),
      400,
      'invalid_grant',
      'grant request is invalid (authorization code not found)',
      'Y049E20B',
    );
  });

  it('T8 (46): a replayed code is refused and revokes the tokens of the first exchange', async () => {
    const { code } = await fc.code();
    const first = (await (await fc.token(tokenForm(code))).json()) as { access_token: string };
    expect((await userinfo(first.access_token)).status).toBe(200);
    await expectTokenError(
      await fc.token(tokenForm(code)),
      400,
      'invalid_grant',
      'grant request is invalid (authorization code already consumed)',
      'Y0416228',
    );
    expect((await userinfo(first.access_token)).status).toBe(401);
  });

  it('T9 (47): another redirect_uri, or another client, cannot redeem the code', async () => {
    const { code } = await fc.code();
    await expectTokenError(
      await fc.token(tokenForm(code, { redirect_uri: `${RP_ORIGIN}/autre` })),
      400,
      'invalid_grant',
      'grant request is invalid (authorization code redirect_uri mismatch)',
      'Y04F8199',
    );
    const other = await fc.code();
    await expectTokenError(
      await fc.token(tokenForm(other.code, { client_id: CLIENTS.rs256.client_id })),
      400,
      'invalid_grant',
      'grant request is invalid (client mismatch)',
      'Y047A2EA',
    );
  });

  it('T10 (48): a missing secret or an unknown client is 401 invalid_client', async () => {
    const { code } = await fc.code();
    expect((await fc.token(tokenForm(code, { client_secret: undefined }))).status).toBe(401);
    const unknown = await fc.token(tokenForm(code, { client_id: 'inconnu' }));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('T11 (49): HTTP Basic credentials are accepted as on the real platform', async () => {
    const { code } = await fc.code();
    const basic = Buffer.from(`${CLIENTS.es256.client_id}:${SECRET}`).toString('base64');
    const response = await fc.token(tokenForm(code, { client_id: undefined, client_secret: undefined }), { authorization: `Basic ${basic}` });
    expect(response.status).toBe(200);
  });

  it('T12 (50): another grant type is unsupported_grant_type', async () => {
    const response = await fc.token(tokenForm('x', { grant_type: 'refresh_token', code: undefined, refresh_token: 'x' }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('T13 (51): a code_verifier fails PKCE verification, since no challenge could be sent', async () => {
    const { code } = await fc.code();
    await expectTokenError(
      await fc.token(tokenForm(code, { code_verifier: hex() })),
      400,
      'invalid_grant',
      'grant request is invalid (PKCE verification failed)',
      'Y0446550',
    );
  });
});

describe('userinfo', () => {
  it('U1, U2 (53, 54): a signed JWT, header {alg, kid}, with the client algorithm, no cookie', async () => {
    for (const client of [CLIENTS.es256, CLIENTS.rs256]) {
      const { access_token } = await fc.tokens({ client_id: client.client_id });
      const response = await userinfo(access_token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/jwt');
      expect(response.headers.getSetCookie()).toEqual([]);
      const jwt = await response.text();
      expect(Object.keys(decodeProtectedHeader(jwt)).sort()).toEqual(['alg', 'kid']);
      await expect(jwtVerify(jwt, jwks, { issuer: fc.issuer, audience: client.client_id, algorithms: [client.signing_alg] })).resolves.toBeDefined();
    }
  });

  it('U3 (55): all identity scopes give exactly the 15 FranceConnect keys; sub equals the ID token sub', async () => {
    const scope =
      'openid profile gender birthdate birthcountry birthplace given_name family_name email preferred_username birth identite_pivot idp_birthdate';
    const { access_token, id_token } = await fc.tokens({ scope });
    const claims = payloadOf(await (await userinfo(access_token)).text());
    expect(Object.keys(claims).sort()).toEqual([
      'aud',
      'birthcountry',
      'birthdate',
      'birthplace',
      'email',
      'exp',
      'family_name',
      'gender',
      'given_name',
      'given_name_array',
      'iat',
      'idp_birthdate',
      'iss',
      'preferred_username',
      'sub',
    ]);
    expect(claims).toMatchObject({
      sub: payloadOf(id_token).sub,
      given_name: 'Angela Claire Louise',
      given_name_array: ['Angela', 'Claire', 'Louise'],
      family_name: 'DUBOIS',
      gender: 'female',
      birthdate: '1962-08-24',
      birthplace: '75107',
      birthcountry: '99100',
    });
  });

  it('U3 (55): openid alone gives sub, iss, aud, iat and exp only; a birth abroad has an empty birthplace', async () => {
    const { access_token } = await fc.tokens({ scope: 'openid' });
    expect(Object.keys(payloadOf(await (await userinfo(access_token)).text())).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
    const abroad = await fc.tokens({ scope: 'openid birth' }, 'ne_a_l_etranger');
    expect(payloadOf(await (await userinfo(abroad.access_token)).text())).toMatchObject({ birthplace: '', birthcountry: '99350' });
  });

  it('U4, U5 (56, 57): an unknown token or no token is 401 invalid_token in FranceConnect format', async () => {
    const unknown = await userinfo('x'.repeat(43));
    expect(unknown.status).toBe(401);
    const body = (await unknown.json()) as Record<string, string>;
    expect(body.error).toBe('invalid_token');
    expect(body.error_description).toBe('invalid token provided (access token not found)');
    expect(body.error_uri).toContain('code=');
    const none = await fetch(`${fc.issuer}/userinfo`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error_description: string }).error_description).toMatch(/^no access token provided/);
  });

  it('U7 (59): the access token is also accepted as a query parameter', async () => {
    const { access_token } = await fc.tokens();
    expect((await fetch(`${fc.issuer}/userinfo?access_token=${access_token}`)).status).toBe(200);
  });
});

describe('revocation', () => {
  it('R1 (76): a revoked access token no longer opens userinfo', async () => {
    const { access_token } = await fc.tokens();
    const response = await fetch(`${fc.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: access_token, client_id: CLIENTS.es256.client_id, client_secret: SECRET }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect((await userinfo(access_token)).status).toBe(401);
  });
});

describe('faults on purpose (reserved personas)', () => {
  it('annulation: the sign-in ends with access_denied', async () => {
    const { redirect } = await fc.signIn({}, 'annulation');
    expect(redirect.searchParams.get('error')).toBe('access_denied');
  });

  it('etat_errone: the redirect carries another state', async () => {
    const { redirect, params } = await fc.signIn({}, 'etat_errone');
    expect(redirect.searchParams.get('code')).toBeTruthy();
    expect(redirect.searchParams.get('state')).not.toBe(params.state);
  });

  it('userinfo_erreur: userinfo answers 500', async () => {
    const { access_token } = await fc.tokens({}, 'userinfo_erreur');
    expect((await userinfo(access_token)).status).toBe(500);
  });

  it('jeton_lent: the token endpoint answers after the configured delay', async () => {
    const { code } = await fc.code({}, 'jeton_lent');
    const started = Date.now();
    expect((await fc.token(tokenForm(code))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_TOKEN_MS);
  });

  it('id_token_altere and userinfo_altere: signatures no longer verify', async () => {
    const { id_token } = await fc.tokens({}, 'id_token_altere');
    await expect(jwtVerify(id_token, jwks)).rejects.toThrow();
    const { access_token } = await fc.tokens({}, 'userinfo_altere');
    await expect(jwtVerify(await (await userinfo(access_token)).text(), jwks)).rejects.toThrow();
  });

  it('acr_insuffisant: the ID token carries a level below eidas1', async () => {
    expect(payloadOf((await fc.tokens({}, 'acr_insuffisant')).id_token).acr).toBe('eidas0');
  });
});

describe('lifetimes (the local platform runs in this process, so moving the clock is enough)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const moveClock = (seconds: number, from = Date.now()) => vi.useFakeTimers({ toFake: ['Date'], now: from + seconds * 1000 });

  it('T7 (45): a code is valid 30 seconds, then reads "not found"', async () => {
    // 29 seconds from before the code was asked: a slow sign-in on a busy machine must not age the code further.
    const asked = Date.now();
    const fresh = await fc.code();
    moveClock(29, asked);
    expect((await fc.token(tokenForm(fresh.code))).status).toBe(200);
    vi.useRealTimers();
    const { code } = await fc.code();
    moveClock(31);
    await expectTokenError(
      await fc.token(tokenForm(code)),
      400,
      'invalid_grant',
      'grant request is invalid (authorization code not found)',
      'Y049E20B',
    );
  });

  it('U4 (56): an access token is valid 60 seconds, then reads "not found"', async () => {
    const { access_token } = await fc.tokens();
    moveClock(61);
    const response = await userinfo(access_token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error_description: string }).error_description).toBe('invalid token provided (access token not found)');
  });
});
