import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/helpers/browser.js';
import { textOf } from '../../../test/helpers/html.js';
import { CLIENTS, hex, type LocalFc, RP_ORIGIN, startLocalFc } from '../../../test/helpers/local-franceconnect.js';

// Assertion numbers refer to ../shared/reference/fc-conformance.md (§1.1 discovery, §1.2 JWKS, §1.3 authorize).
let fc: LocalFc;
beforeAll(async () => {
  fc = await startLocalFc();
});
afterAll(() => fc.close());

async function expectErrorPage(url: URL | string, code: string, init?: RequestInit) {
  const response = await fetch(url, { redirect: 'manual', ...init });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(response.headers.get('location')).toBeNull();
  expect(textOf(await response.text())).toContain(`Erreur ${code}`);
}

/** The redirect FranceConnect sends back to the service provider, read without following it. */
async function rpRedirect(url: URL): Promise<URL> {
  const { redirect } = await fc.signIn(Object.fromEntries(url.searchParams));
  return redirect;
}

describe('discovery (assertions 1-10)', () => {
  it('1, 2: answers JSON, cacheable for 600 s, without cookies', async () => {
    const response = await fetch(`${fc.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('3-10: closed key set, issuer with /api/v2, FranceConnect low values', async () => {
    const doc = (await (await fetch(`${fc.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const allowed = new Set(
      'acr_values_supported authorization_endpoint authorization_response_iss_parameter_supported claim_types_supported claims_parameter_supported claims_supported code_challenge_methods_supported end_session_endpoint grant_types_supported id_token_signing_alg_values_supported issuer jwks_uri request_object_signing_alg_values_supported request_parameter_supported request_uri_parameter_supported response_modes_supported response_types_supported revocation_endpoint scopes_supported subject_types_supported token_endpoint token_endpoint_auth_methods_supported token_endpoint_auth_signing_alg_values_supported userinfo_endpoint userinfo_signing_alg_values_supported'.split(
        ' ',
      ),
    );
    expect(Object.keys(doc).filter((key) => !allowed.has(key))).toEqual([]);
    expect(doc.issuer).toBe(fc.issuer);
    expect(fc.issuer.endsWith('/api/v2')).toBe(true);
    expect(doc).toMatchObject({
      authorization_endpoint: `${fc.issuer}/authorize`,
      token_endpoint: `${fc.issuer}/token`,
      userinfo_endpoint: `${fc.issuer}/userinfo`,
      end_session_endpoint: `${fc.issuer}/session/end`,
      jwks_uri: `${fc.issuer}/jwks`,
      revocation_endpoint: `${fc.issuer}/token/revocation`,
      acr_values_supported: ['eidas1'],
      id_token_signing_alg_values_supported: ['HS256', 'ES256', 'RS256'],
      userinfo_signing_alg_values_supported: ['HS256', 'ES256', 'RS256'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['pairwise'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
    for (const absent of [
      'id_token_encryption_alg_values_supported',
      'userinfo_encryption_alg_values_supported',
      'backchannel_logout_supported',
      'introspection_endpoint',
    ]) {
      expect(doc).not.toHaveProperty(absent);
    }
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'preferred_username', 'idp_birthdate']));
    expect(doc.scopes_supported).not.toContain('offline_access');
    expect(doc.scopes_supported).not.toContain('address');
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'given_name', 'given_name_array', 'amr', 'acr']));
  });
});

describe('JWKS (assertions 11-12)', () => {
  it('serves application/jwk-set+json with an EC P-256 and an RSA signing key, public parts only', async () => {
    const response = await fetch(`${fc.issuer}/jwks`);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=600');
    const { keys } = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(keys.find((k) => k.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });
    expect(keys.find((k) => k.alg === 'RS256')).toMatchObject({ kty: 'RSA', use: 'sig' });
    for (const key of keys) {
      expect(key.kid).toBeTruthy();
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('authorize', () => {
  it('A1 (14): a valid request goes to the sign-in page with no-store, nothing sent to the RP', async () => {
    const response = await fetch(fc.authorizeUrl(), { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(new URL(response.headers.get('location') ?? '', fc.issuer).origin).not.toBe(RP_ORIGIN);
    const page = await new TestBrowser().visit(fc.authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="login"');
    expect(page.body).toContain('name="password"');
    expect(textOf(page.body)).toContain('Angela Claire Louise DUBOIS');
  });

  it('A2 (15): the same parameters by POST behave as GET', async () => {
    const params = Object.fromEntries(fc.authorizeUrl().searchParams);
    const browser = new TestBrowser();
    const page = await browser.visit(`${fc.issuer}/authorize`, { form: params });
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="login"');
    await expectErrorPage(`${fc.issuer}/authorize`, 'Y030007', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, code_challenge: 'x'.repeat(43) }),
    });
  });

  it('an oversized POST body is a 400 page, not a server error', async () => {
    await expectErrorPage(`${fc.issuer}/authorize`, 'Y000400', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `claims=${'x'.repeat(40_000)}`,
    });
  });

  it('A3 (16): prompt login, consent or both is accepted', async () => {
    for (const prompt of ['login', 'consent', 'login consent']) {
      const response = await fetch(fc.authorizeUrl({ prompt }), { redirect: 'manual' });
      expect(response.status).toBe(303);
    }
  });

  it('A4 (17): prompt empty, none or select_account is a 400 page Y030007', async () => {
    for (const prompt of ['', 'none', 'select_account']) await expectErrorPage(fc.authorizeUrl({ prompt }), 'Y030007');
  });

  it('A5 (18): each required parameter missing is a 400 page Y030007, never a redirect', async () => {
    for (const missing of ['acr_values', 'client_id', 'nonce', 'redirect_uri', 'response_type', 'scope', 'state']) {
      await expectErrorPage(fc.authorizeUrl({ [missing]: undefined }), 'Y030007');
    }
  });

  it('A6 (19): a nonce under 22 characters is refused; 22+ accepted, any characters', async () => {
    await expectErrorPage(fc.authorizeUrl({ nonce: '' }), 'Y030007');
    await expectErrorPage(fc.authorizeUrl({ nonce: 'nonce_trop' }), 'Y030007');
    await expectErrorPage(fc.authorizeUrl({ nonce: 'x'.repeat(16) }), 'Y030007');
    for (const nonce of ['a'.repeat(22), hex().slice(0, 32), `${hex()}@#&`]) {
      expect((await fetch(fc.authorizeUrl({ nonce }), { redirect: 'manual' })).status).toBe(303);
    }
  });

  it('A7 (20): a short state is accepted, as on the real platform', async () => {
    expect((await fetch(fc.authorizeUrl({ state: 'x' }), { redirect: 'manual' })).status).toBe(303);
  });

  it('A8 (21): an unknown or repeated parameter, PKCE included, is a 400 page Y030007', async () => {
    for (const extra of [
      { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' },
      { response_mode: 'query' },
      { max_age: '0' },
      { login_hint: 'x' },
      { foo: 'bar' },
    ]) {
      await expectErrorPage(fc.authorizeUrl(extra), 'Y030007');
    }
    const repeated = fc.authorizeUrl();
    repeated.searchParams.append('scope', 'openid');
    await expectErrorPage(repeated, 'Y030007');
  });

  it('A9 (22): an empty client_id is a 400 page Y030007', async () => {
    await expectErrorPage(fc.authorizeUrl({ client_id: '' }), 'Y030007');
  });

  it('A10 (23): an unknown client is a 400 page Y04EA6EF with the service provider message', async () => {
    const response = await fetch(fc.authorizeUrl({ client_id: 'inconnu' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const text = textOf(await response.text());
    expect(text).toContain('Erreur Y04EA6EF');
    expect(text).toContain('Une erreur de communication avec le fournisseur de service est survenue');
  });

  it('A11 (24): a redirect_uri that is not an absolute URL is a 400 page; http://localhost is accepted', async () => {
    await expectErrorPage(fc.authorizeUrl({ redirect_uri: '' }), 'Y030007');
    await expectErrorPage(fc.authorizeUrl({ redirect_uri: 'example.com' }), 'Y030007');
    expect((await fetch(fc.authorizeUrl({ redirect_uri: `${RP_ORIGIN}/callback` }), { redirect: 'manual' })).status).toBe(303);
  });

  it('A12 (25): an unregistered redirect_uri is a 400 page Y04C013C, never a redirect', async () => {
    await expectErrorPage(fc.authorizeUrl({ redirect_uri: 'https://my-malicious-url.fr/callback' }), 'Y04C013C');
  });

  it('A13 (26): scope without openid redirects to the RP with invalid_request', async () => {
    const redirect = await rpRedirect(fc.authorizeUrl({ scope: 'given_name' }));
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
    // FranceConnect (oidc-provider 9.1.2) words it "… when using the acr_values parameter"; 9.13 words it differently.
    expect(redirect.searchParams.get('error_description')).toMatch(/^openid scope must be requested/);
    expect(redirect.searchParams.get('iss')).toBe(fc.issuer);
  });

  it('A14 (27): a scope the client may not have redirects invalid_scope with the scope, state and iss', async () => {
    const state = hex();
    const redirect = await rpRedirect(fc.authorizeUrl({ client_id: CLIENTS.limited.client_id, scope: 'openid given_name birthdate', state }));
    expect(redirect.searchParams.get('error')).toBe('invalid_scope');
    expect(redirect.searchParams.get('error_description')).toBe('requested scope is not allowed');
    expect(redirect.searchParams.get('scope')).toBe('birthdate');
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(fc.issuer);
  });

  it('A15 (28): an unknown scope is silently dropped', async () => {
    const { code } = await fc.code({ scope: 'openid given_name inconnu' });
    const response = await fc.token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${RP_ORIGIN}/callback`,
      client_id: CLIENTS.es256.client_id,
      client_secret: CLIENTS.es256.client_secret,
    });
    const body = (await response.json()) as { scope: string };
    expect(body.scope.split(' ').sort()).toEqual(['given_name', 'openid']);
  });

  it('A16 (29): a bad scope with an unregistered redirect_uri is an error page, never a redirect', async () => {
    const response = await fetch(fc.authorizeUrl({ scope: 'email', redirect_uri: `${RP_ORIGIN}/callback/wrong-url` }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('A17 (30): an empty response_type redirects invalid_request; an unknown one unsupported_response_type', async () => {
    expect((await rpRedirect(fc.authorizeUrl({ response_type: '' }))).searchParams.get('error')).toBe('invalid_request');
    expect((await rpRedirect(fc.authorizeUrl({ response_type: 'inconnu' }))).searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('A18 (31): an unknown acr value counts as eidas1 and the ID token says eidas1', async () => {
    for (const acr_values of ['niveau_inconnu', 'eidas1 eidas2 eidas3', '']) {
      const { id_token } = await fc.tokens({ acr_values });
      const claims = JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString()) as { acr: string };
      expect(claims.acr).toBe('eidas1');
    }
  });

  it('A19 (32): eidas2 or eidas3 ends on an invalid_acr redirect naming the level, not a 400', async () => {
    for (const [acr_values, got] of [
      ['eidas2', 'eidas2'],
      ['eidas3', 'eidas3'],
      ['inconnu eidas3', 'eidas3'],
    ] as const) {
      const state = hex();
      const redirect = await rpRedirect(fc.authorizeUrl({ acr_values, state }));
      expect(redirect.searchParams.get('error')).toBe('invalid_acr');
      expect(redirect.searchParams.get('error_description')).toBe(
        `acr_value is not valid, should be equal one of these values, expected eidas1, got ${got}`,
      );
      expect(redirect.searchParams.get('state')).toBe(state);
    }
  });

  it('A21 (34): a malformed claims parameter redirects invalid_request', async () => {
    const redirect = await rpRedirect(fc.authorizeUrl({ claims: '{' }));
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
  });

  it('A23 (36): "Revenir sur le service" sends access_denied with state and iss only', async () => {
    const state = hex();
    const browser = new TestBrowser();
    const loginPage = await browser.visit(fc.authorizeUrl({ state }));
    const abort = /href="([^"]*\/abort)"/.exec(loginPage.body)?.[1];
    expect(abort).toBeDefined();
    const page = await browser.visit(new URL(abort ?? '', fc.issuer), {}, (next) => next.origin === RP_ORIGIN);
    const redirect = page.chain.at(-1) as URL;
    expect([...redirect.searchParams.keys()].sort()).toEqual(['error', 'error_description', 'iss', 'state']);
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe(state);
  });

  it('A24 (37): success redirects with exactly code, state and iss, by 303', async () => {
    const state = hex();
    const { redirect, page } = await fc.signIn({ state });
    expect(page.status).toBe(303);
    expect([...redirect.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(fc.issuer);
    expect(redirect.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
  });

  it('the sign-in form refuses a wrong password and stays on the page', async () => {
    const browser = new TestBrowser();
    const loginPage = await browser.visit(fc.authorizeUrl());
    const action = /action="([^"]*\/login)"/.exec(loginPage.body)?.[1] ?? '';
    const page = await browser.visit(new URL(action, fc.issuer), { form: { login: 'test', password: 'faux' } });
    expect(page.status).toBe(401);
    expect(textOf(page.body)).toContain('Identifiant ou mot de passe incorrect.');
  });

  it('X1 (78): an unknown path below the issuer is a 404 page Y000404', async () => {
    const response = await fetch(`${fc.issuer}/inconnu`);
    expect(response.status).toBe(404);
    expect(textOf(await response.text())).toContain('Erreur Y000404');
  });
});
