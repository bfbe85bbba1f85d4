import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import type { OidcConnector, SignInRequest, SignInResult } from './connector.js';
import { createSignInService, type SignInCodes } from './sign-in.service.js';

const CODES: SignInCodes = {
  cancelled: 'FC-001',
  stateMismatch: 'FC-002',
  expired: 'FC-003',
  unreachable: 'FC-004',
  refused: 'FC-005',
  acr: 'FC-006',
  upstreamError: 'FC-007',
};

/** The openid-client side, scripted: the URL it would build, and what the provider's token and userinfo give. */
function scriptedConnector(result: () => Promise<SignInResult>) {
  const requests: SignInRequest[] = [];
  const connector: OidcConnector = {
    async buildSignInUrl(request) {
      requests.push(request);
      return new URL(`https://fournisseur.example/authorize?state=${request.state}`);
    },
    completeSignIn: async () => result(),
    async buildSignOutUrl({ state }) {
      return new URL(`https://fournisseur.example/logout?state=${state}`);
    },
  };
  return { connector, requests };
}

const signedIn = (acr: string, userinfo: Record<string, unknown> = { sub: 'sub-1', name: 'Lucie' }): SignInResult => ({
  idToken: 'id-token',
  claims: { acr, iss: 'https://fournisseur.example', sub: 'sub-1', aud: 'portail', exp: 0, iat: 0 },
  userinfo,
  accessToken: { value: 'jeton-d-acces', expiresAt: Date.now() + 60_000, scopes: ['openid'] },
});

const service = (connector: OidcConnector, pkce = false) =>
  createSignInService(connector, {
    provider: 'FranceConnect',
    redirectUri: 'https://passerelle.example.gouv.fr/connexion/franceconnect/callback',
    postLogoutRedirectUri: 'https://passerelle.example.gouv.fr/deconnexion/callback',
    scopes: 'openid given_name',
    acr: { values: 'eidas1', accepted: new Set(['eidas1', 'eidas2']) },
    pkce,
    codes: CODES,
    returnTo: /^\/(mon-espace)?$/,
    identity: (userinfo) => (typeof userinfo.name === 'string' ? { sub: String(userinfo.sub), name: userinfo.name } : undefined),
  });

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`AppError attendue, reçu ${String(error)}`);
  return error.code;
};

describe('signing in through an OpenID provider', () => {
  it('sends a fresh random state and nonce each time, the acr asked, and PKCE only where the provider takes it', async () => {
    const { connector, requests } = scriptedConnector(async () => signedIn('eidas1'));
    const first = await service(connector).start('/mon-espace');
    const second = await service(connector).start('/');
    expect(first.pending.state).toMatch(/^[0-9a-f]{64}$/);
    expect(first.pending.nonce).not.toBe(second.pending.nonce);
    expect(first.pending).toMatchObject({ returnTo: '/mon-espace' });
    expect(first.pending.codeVerifier).toBeUndefined();
    expect(requests[0]).toMatchObject({ acrValues: 'eidas1', codeVerifier: undefined, forceLogin: false });
    const withPkce = await service(connector, true).start('/', { forceLogin: true });
    expect(withPkce.pending.codeVerifier).toMatch(/^[0-9a-f]{64}$/);
    expect(requests[2]).toMatchObject({ codeVerifier: withPkce.pending.codeVerifier, forceLogin: true });
  });

  it('returns only to the local paths it allows', async () => {
    const { connector } = scriptedConnector(async () => signedIn('eidas1'));
    await expect(service(connector).start('https://ailleurs.example/')).rejects.toThrow('adresse de retour refusée');
  });

  it('completes with the identity when state, acr and userinfo hold', async () => {
    const { connector } = scriptedConnector(async () => signedIn('eidas2'));
    const { pending } = await service(connector).start('/');
    expect(await service(connector).complete(`code=abc&state=${pending.state}`, pending)).toMatchObject({
      identity: { sub: 'sub-1', name: 'Lucie' },
      idToken: 'id-token',
    });
  });

  it('names each way a sign-in fails with its own code', async () => {
    const { connector } = scriptedConnector(async () => signedIn('eidas1'));
    const { pending } = await service(connector).start('/');
    const complete = (query: string, withPending = true) => service(connector).complete(query, withPending ? pending : undefined);
    expect(await failure(complete(`code=abc&state=${pending.state}`, false))).toBe('FC-003');
    expect(await failure(complete('error=access_denied'))).toBe('FC-001');
    expect(await failure(complete('error=server_error'))).toBe('FC-007');
    expect(await failure(complete('code=abc&state=un-autre-state'))).toBe('FC-002');
  });

  it('refuses a level of assurance below the one asked, and an incomplete identity', async () => {
    const weak = scriptedConnector(async () => signedIn('eidas0')).connector;
    const started = await service(weak).start('/');
    expect(await failure(service(weak).complete(`code=abc&state=${started.pending.state}`, started.pending))).toBe('FC-006');
    const incomplete = scriptedConnector(async () => signedIn('eidas1', { sub: 'sub-1' })).connector;
    expect(await failure(service(incomplete).complete(`code=abc&state=${started.pending.state}`, started.pending))).toBe('FC-005');
  });

  it('tells an unreachable provider from one that answers with an error', async () => {
    const unreachable = scriptedConnector(async () =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).connector;
    const { pending } = await service(unreachable).start('/');
    expect(await failure(service(unreachable).complete(`code=abc&state=${pending.state}`, pending))).toBe('FC-004');
  });
});
