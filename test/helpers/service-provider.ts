import * as oidc from 'openid-client';
import { addMonths } from '../../src/registry/habilitation.js';
import type { Registry } from '../../src/registry/registry.service.js';
import { type Page, TestBrowser } from './browser.js';
import { formWithAction } from './html.js';
import { submitFranceConnectLogin } from './journeys.js';

/** A service provider as an integrator writes it: openid-client from the portal's discovery document. */
export interface TestServiceProvider {
  config: oidc.Configuration;
  redirectUri: string;
  authorizationUrl(
    scope: string,
    extra?: Record<string, string>,
  ): Promise<{ url: URL; checks: { state: string; nonce: string; codeVerifier: string } }>;
  redeem(
    callback: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers>;
}

export async function serviceProviderClient(
  issuer: string,
  clientId: string,
  credentials: { secret: string; method?: 'basic' | 'post' } | { privateKey: oidc.CryptoKey; kid: string; assertionLifetimeSeconds?: number },
  redirectUri: string,
): Promise<TestServiceProvider> {
  const auth =
    'secret' in credentials
      ? credentials.method === 'post'
        ? oidc.ClientSecretPost(credentials.secret)
        : oidc.ClientSecretBasic(credentials.secret)
      : oidc.PrivateKeyJwt(
          { key: credentials.privateKey, kid: credentials.kid },
          {
            [oidc.modifyAssertion]: (_header, payload) => {
              const { assertionLifetimeSeconds } = credentials;
              if (assertionLifetimeSeconds !== undefined && typeof payload.iat === 'number') payload.exp = payload.iat + assertionLifetimeSeconds;
            },
          },
        );
  const config = await oidc.discovery(new URL(issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  return {
    config,
    redirectUri,
    async authorizationUrl(scope, extra = {}) {
      const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        ...extra,
      });
      return { url, checks };
    },
    redeem: (callback, checks) =>
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      }),
  };
}

const isAt = (origin: string) => (next: URL) => next.origin === origin;

/** From the service provider's link to the consent page, signing in with FranceConnect as `login` unless already signed in. */
export async function reachConsentPage(browser: TestBrowser, start: URL, spOrigin: string, login = 'test'): Promise<Page> {
  const request = await browser.visit(start, {}, isAt(spOrigin));
  if (/action="\/demande\/[^/"]+\/apercu"/.test(request.body)) return request;
  const signIn = formWithAction(request.body, /^\/demande\/[^/]+\/franceconnect$/);
  const fcLogin = await browser.visit(new URL(signIn.action, request.url), { form: signIn.fields });
  return submitFranceConnectLogin(browser, fcLogin, login);
}

/** The consent page's form (CSRF token included) and the decision URL its "Ne pas transmettre" button posts to. */
export function consentForm(consentPage: Page): { previewUrl: URL; decisionUrl: URL; fields: Record<string, string> } {
  const form = formWithAction(consentPage.body, /^\/demande\/[^/]+\/apercu$/);
  const previewUrl = new URL(form.action, consentPage.url);
  return { previewUrl, decisionUrl: new URL(previewUrl.pathname.replace(/apercu$/, 'decision'), previewUrl), fields: form.fields };
}

/** "Voir les données qui seront transmises": the preview page. */
export async function preview(browser: TestBrowser, consentPage: Page, inputs: Record<string, string> = {}): Promise<Page> {
  const { previewUrl, fields } = consentForm(consentPage);
  return browser.visit(previewUrl, { form: { ...fields, ...inputs } });
}

/**
 * The citizen's choice, then "Continuer sur …" until the service provider's callback. Transmitting goes through the
 * preview, as the pages require; refusing is done from the first step.
 */
export async function decide(
  browser: TestBrowser,
  consentPage: Page,
  decision: 'transmettre' | 'refuser',
  spOrigin: string,
  inputs: Record<string, string> = {},
): Promise<{ end: Page; callback: URL; previewPage?: Page }> {
  let end: Page;
  let previewPage: Page | undefined;
  if (decision === 'transmettre') {
    previewPage = await preview(browser, consentPage, inputs);
    const form = formWithAction(previewPage.body, /^\/demande\/[^/]+\/decision$/);
    end = await browser.visit(new URL(form.action, previewPage.url), { form: { ...form.fields, decision } });
  } else {
    const { decisionUrl, fields } = consentForm(consentPage);
    end = await browser.visit(decisionUrl, { form: { ...fields, decision } });
  }
  const link = /href="(\/demande\/[^"]+\/continuer)"/.exec(end.body)?.[1];
  if (link === undefined) throw new Error(`pas de bouton Continuer : ${end.status} ${end.url}`);
  const back = await browser.visit(new URL(link, end.url), {}, isAt(spOrigin));
  const callback = back.chain.at(-1);
  if (callback?.origin !== spOrigin) throw new Error(`pas de retour vers le service : ${back.status} ${back.url}`);
  return { end, callback, previewPage };
}

/**
 * A service provider registered with a habilitation for the quotient familial, and the access token of one
 * transmission to it by the persona « test ».
 */
export async function transmittedToNewServiceProvider(
  publicUrl: string,
  registry: Registry,
  { clientId, purpose, spOrigin }: { clientId: string; purpose: string; spOrigin: string },
) {
  const { clientSecret } = await registry.createServiceProvider({
    siret: '21999999900010',
    clientId,
    displayName: 'Service d’essai',
    procedureName: 'Essai',
    redirectUris: [`${spOrigin}/callback`],
  });
  const habilitation = await registry.grantHabilitation({
    clientId,
    scopes: ['cnaf_quotient_familial'],
    purpose,
    legalBasis: 'Essai',
    legalReference: 'Essai',
    retentionDays: 30,
    validUntil: addMonths(Date.now(), 6),
  });
  const sp = await serviceProviderClient(`${publicUrl}/oidc`, clientId, { secret: clientSecret ?? '' }, `${spOrigin}/callback`);
  const { url, checks } = await sp.authorizationUrl('openid cnaf_quotient_familial');
  const citizen = new TestBrowser();
  const { callback } = await decide(citizen, await reachConsentPage(citizen, url, spOrigin), 'transmettre', spOrigin);
  const { access_token: accessToken } = await sp.redeem(callback, checks);
  return { accessToken, habilitation };
}

/**
 * Whether the token endpoint takes this secret for the client, without running a journey: with a code never issued,
 * a good secret gets invalid_grant, a bad one invalid_client.
 */
export async function secretAccepted(issuer: string, clientId: string, secret: string, redirectUri: string): Promise<boolean> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'jamais-emis', redirect_uri: redirectUri, code_verifier: 'v'.repeat(43) }),
  });
  const { error } = (await response.json()) as { error: string };
  if (error !== 'invalid_grant' && error !== 'invalid_client') throw new Error(`réponse inattendue du point d’accès token : ${error}`);
  return error === 'invalid_grant';
}
