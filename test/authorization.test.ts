import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenDigest } from '../src/crypto/token-digest.js';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry, type Registry } from '../src/registry/registry.service.js';
import { TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf, titleOf } from './helpers/html.js';
import { signIn, submitFranceConnectLogin } from './helpers/journeys.js';
import {
  consentForm,
  decide,
  reachConsentPage,
  secretAccepted,
  serviceProviderClient,
  type TestServiceProvider,
} from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

const SP_ORIGIN = 'http://localhost:4998';
const SCOPES = 'openid cnaf_quotient_familial cnaf_enfants';

let stack: Stack;
let db: Kysely<Database>;
let registry: Registry;
let issuer: string;
let sp: TestServiceProvider;
let secret: string;
const SIRET = '13000999900017';

/** Registers a service provider while the portal runs, as an operator would with the CLI. */
async function registerServiceProvider(clientId: string, scopes = ['cnaf_quotient_familial', 'cnaf_enfants'], extra: Record<string, unknown> = {}) {
  const created = await registry.createServiceProvider({
    siret: SIRET,
    clientId,
    displayName: 'Ville de Testbourg',
    procedureName: 'Inscription au conservatoire',
    redirectUris: [`${SP_ORIGIN}/callback`],
    ...extra,
  });
  const habilitation = await registry.grantHabilitation({
    clientId,
    scopes,
    purpose: 'Calculer les droits d’inscription selon le quotient familial.',
    legalBasis: 'Délibération du conseil municipal',
    legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367425',
    retentionDays: 90,
    validUntil: addMonths(Date.now(), 6),
  });
  return { secret: created.clientSecret, habilitation };
}

const consentRows = (clientId: string) =>
  db.selectFrom('consent').selectAll().where('client_id', '=', clientId).orderBy('decided_at', 'desc').execute();

beforeAll(async () => {
  stack = await startStack();
  issuer = stack.config.authorization.issuer;
  db = openDatabase(stack.config.database);
  registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: SIRET, name: 'Ville de Testbourg' });
  secret = (await registerServiceProvider('sp-conservatoire')).secret ?? '';
  sp = await serviceProviderClient(issuer, 'sp-conservatoire', { secret }, `${SP_ORIGIN}/callback`);
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});

describe('discovery', () => {
  it('publishes S256 PKCE, the catalogue scopes and the client authentication methods', async () => {
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(doc.issuer).toBe(issuer);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.response_types_supported).toEqual(['code']);
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'cnaf_quotient_familial', 'cnous_statut_boursier', 'pole_emploi_paiements']),
    );
    expect(doc.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    );
    expect(doc.subject_types_supported).toEqual(['pairwise']);
  });
});

describe('the whole flow', () => {
  it('shows the request, signs in with FranceConnect, records the consent and gives the service a code', async () => {
    const browser = new TestBrowser();
    const { url, checks } = await sp.authorizationUrl(SCOPES);
    const request = await browser.visit(url);
    expect(request.status).toBe(200);
    expect(titleOf(request.body)).toBe('Ville de Testbourg vous demande des informations – Passerelle Particulier');
    const text = textOf(request.body);
    for (const expected of [
      'SIRET 130 009 999 00017',
      'Démarche : Inscription au conservatoire',
      'Calculer les droits d’inscription selon le quotient familial.',
      'Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)',
      'Votre quotient familial',
      'Les enfants de votre foyer',
      'garde ces informations 3 mois au maximum',
      'Votre demande ne sera pas refusée pour cette raison.',
      'S’identifier avec FranceConnect',
      'Envoyer mes justificatifs moi-même',
    ]) {
      expect(text).toContain(expected);
    }
    expect(request.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    expect(consent.status).toBe(200);
    expect(titleOf(consent.body)).toBe('Étape 1 sur 3 – Lire la demande – Passerelle Particulier');
    expect(textOf(consent.body)).toContain('Vous êtes connecté(e) avec FranceConnect : Angela Claire Louise DUBOIS');
    expect(consent.body).toContain('>Voir les données qui seront transmises</button>');
    expect(consent.body).toContain('>Ne pas transmettre</button>');

    const { end, callback, previewPage } = await decide(browser, consent, 'transmettre', SP_ORIGIN);
    expect(previewPage?.body).toContain('>Transmettre mes données</button>');
    expect(textOf(end.body)).toContain('C’est fait Ville de Testbourg peut maintenant recevoir les 2 informations que vous avez transmises.');
    expect(end.body).toMatch(/data-testid="reference">PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}</);
    expect(callback.searchParams.get('iss')).toBe(issuer);
    const tokens = await sp.redeem(callback, checks);
    expect(tokens.scope?.split(' ').sort()).toEqual(['cnaf_enfants', 'cnaf_quotient_familial', 'openid']);
    expect(tokens.claims()?.sub).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.access_token).not.toContain('.');

    const [row] = await consentRows('sp-conservatoire');
    expect(row).toMatchObject({ decision: 'transmitted', scopes: JSON.stringify(['cnaf_quotient_familial', 'cnaf_enfants']) });
    expect(row?.grant_id).toBeTruthy();
    expect(row?.citizen_sub).toMatch(/v1$/);
  });

  it('asks again on the next request, without a second FranceConnect sign-in', async () => {
    const browser = new TestBrowser();
    const first = await sp.authorizationUrl(SCOPES);
    await decide(browser, await reachConsentPage(browser, first.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    const second = await sp.authorizationUrl(SCOPES);
    const consent = await browser.visit(second.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(consent.body).toContain('>Voir les données qui seront transmises</button>');
    expect(consent.chain.some((step) => step.pathname.endsWith('/authorize'))).toBe(false);
  });

  it('signs in again with FranceConnect when the service asks prompt=login or max_age=0, and auth_time says when', async () => {
    const browser = new TestBrowser();
    const first = await sp.authorizationUrl(SCOPES);
    await decide(browser, await reachConsentPage(browser, first.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Array<Record<string, string>>) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const before = Math.floor(Date.now() / 1000);
      const again = await sp.authorizationUrl(SCOPES, extra);
      const request = await browser.visit(again.url, {}, (next) => next.origin === SP_ORIGIN);
      expect(request.body, JSON.stringify(extra)).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
      expect(request.body).not.toContain('>Voir les données qui seront transmises</button>');
      const { callback } = await decide(browser, await reachConsentPage(browser, again.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
      // With max_age, the ID token carries auth_time: the sign-in just made, not the portal's first one.
      const authTime = (await sp.redeem(callback, again.checks)).claims()?.auth_time;
      if ('max_age' in extra) expect(authTime).toBeGreaterThanOrEqual(before);
    }
  });

  it('completes a request that asks for a new sign-in only with a new FranceConnect sign-in, not by going straight to its return address', async () => {
    const browser = new TestBrowser();
    const first = await sp.authorizationUrl(SCOPES);
    await decide(browser, await reachConsentPage(browser, first.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Array<Record<string, string>>) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await sp.authorizationUrl(SCOPES, extra);
      const request = await browser.visit(again.url, {}, (next) => next.origin === SP_ORIGIN);
      const uid = /action="\/demande\/([^/"]+)\/franceconnect"/.exec(request.body)?.[1];
      expect(uid, JSON.stringify(extra)).toBeTruthy();
      const shortcut = await browser.visit(`${stack.portalUrl}/demande/${uid}/connexion`, {}, (next) => next.origin === SP_ORIGIN);
      expect(
        shortcut.chain.some((step) => step.origin === SP_ORIGIN),
        JSON.stringify(extra),
      ).toBe(false);
      expect(shortcut.url.pathname).toBe(`/demande/${uid}`);
      expect(shortcut.body).toContain(`action="/demande/${uid}/franceconnect"`);
      expect(shortcut.body).not.toContain('>Voir les données qui seront transmises</button>');
    }
  });

  it('ends the authorization server’s session when the citizen signs out of the portal: the next request asks for FranceConnect again, what was transmitted stays readable', async () => {
    const browser = new TestBrowser();
    const first = await sp.authorizationUrl(SCOPES);
    const { callback } = await decide(browser, await reachConsentPage(browser, first.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    const host = new URL(stack.portalUrl).hostname;
    const sessionId = browser.cookieValue(host, 'pp_session') ?? '';
    const sessionRow = () =>
      db.selectFrom('oidc_payload').select('id').where('model', '=', 'Session').where('id', '=', tokenDigest(sessionId)).executeTakeFirst();
    expect(await sessionRow()).toBeDefined();

    const home = await browser.visit(stack.portalUrl);
    const form = formWithAction(home.body, '/deconnexion');
    await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields }, (next) => next.pathname.endsWith('/session/end'));
    expect(await sessionRow()).toBeUndefined();
    expect(browser.cookieValue(host, 'pp_session')).toBeUndefined();

    // The code and its access token stand for the transmission, not for the sign-in (withdrawal is what takes it back).
    const { access_token: accessToken } = await sp.redeem(callback, first.checks);
    const read = await fetch(`${stack.portalUrl}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(read.status).toBe(200);

    const again = await sp.authorizationUrl(SCOPES);
    const request = await browser.visit(again.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(request.body).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
    expect(request.body).not.toContain('>Voir les données qui seront transmises</button>');
  });

  it('asks for a new FranceConnect sign-in when the one behind the consent is more than 30 minutes old', async () => {
    const browser = new TestBrowser();
    const start = Date.now();
    await signIn(browser, stack.portalUrl);
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      vi.setSystemTime(start + 20 * 60_000);
      const { url } = await sp.authorizationUrl(SCOPES);
      // Signed in 20 minutes ago: the portal's sign-in serves, without a FranceConnect round trip.
      const consent = await reachConsentPage(browser, url, SP_ORIGIN);
      expect(consent.body).toMatch(/action="\/demande\/[^/"]+\/apercu"/);

      vi.setSystemTime(start + 35 * 60_000);
      const { previewUrl, fields } = consentForm(consent);
      const stale = await browser.visit(previewUrl, { form: fields });
      expect(stale.url.pathname).toMatch(/^\/demande\/[^/]+$/);
      expect(textOf(stale.body)).toContain('Pour protéger vos informations, reconnectez-vous : votre dernière connexion date de plus de 30 minutes.');
      expect(stale.body).not.toContain('>Voir les données qui seront transmises</button>');
      const renew = formWithAction(stale.body, /^\/demande\/[^/]+\/franceconnect$/);
      // FranceConnect asks the person again: its own session does not answer for them.
      const fcLogin = await browser.visit(new URL(renew.action, stale.url), { form: renew.fields });
      const renewed = await submitFranceConnectLogin(browser, fcLogin, 'test');
      expect(renewed.body).toMatch(/action="\/demande\/[^/"]+\/apercu"/);
      const { callback } = await decide(browser, renewed, 'transmettre', SP_ORIGIN);
      expect(callback.searchParams.has('code')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('brings a citizen who cancels at FranceConnect back to the request, with a direct way back to the service', async () => {
    const browser = new TestBrowser();
    const { url, checks } = await sp.authorizationUrl(SCOPES);
    const request = await browser.visit(url, {}, (next) => next.origin === SP_ORIGIN);
    const signIn = formWithAction(request.body, /^\/demande\/[^/]+\/franceconnect$/);
    const fcLogin = await browser.visit(new URL(signIn.action, request.url), { form: signIn.fields });
    const abort = /href="([^"]*\/abort)"/.exec(fcLogin.body)?.[1] ?? '';
    const back = await browser.visit(new URL(abort, fcLogin.url));
    expect(back.status).toBe(200);
    expect(back.url.pathname).toBe(request.url.pathname);
    expect(textOf(back.body)).toContain('Vous avez annulé la connexion Vous pouvez recommencer quand vous voulez.');
    expect(back.body).not.toContain('FC-001');
    expect(back.body).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
    const leave = /href="(\/demande\/[^"]+\/sans-connexion)">Revenir sur le site de Ville de Testbourg</.exec(back.body)?.[1] ?? '';
    const callback = (await browser.visit(new URL(leave, back.url), {}, (next) => next.origin === SP_ORIGIN)).chain.at(-1) as URL;
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(checks.state);
  });

  it('gives another sub to another service provider for the same citizen', async () => {
    const other = await registerServiceProvider('sp-mediatheque', ['cnaf_quotient_familial']);
    const otherSp = await serviceProviderClient(issuer, 'sp-mediatheque', { secret: other.secret ?? '', method: 'post' }, `${SP_ORIGIN}/callback`);
    const subOf = async (client: TestServiceProvider, scope: string) => {
      const browser = new TestBrowser();
      const { url, checks } = await client.authorizationUrl(scope);
      const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
      return (await client.redeem(callback, checks)).claims()?.sub;
    };
    const first = await subOf(sp, SCOPES);
    expect(await subOf(sp, SCOPES)).toBe(first);
    expect(await subOf(otherSp, 'openid cnaf_quotient_familial')).not.toBe(first);
  });

  it('accepts private_key_jwt client authentication', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cle-1', alg: 'ES256', use: 'sig' };
    await registerServiceProvider('sp-cle-privee', ['cnaf_quotient_familial'], { jwks: { keys: [jwk] } });
    const keyClient = await serviceProviderClient(issuer, 'sp-cle-privee', { privateKey, kid: 'cle-1' }, `${SP_ORIGIN}/callback`);
    const browser = new TestBrowser();
    const { url, checks } = await keyClient.authorizationUrl('openid cnaf_quotient_familial');
    const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    expect((await keyClient.redeem(callback, checks)).scope).toBe('openid cnaf_quotient_familial');
  });

  it('keeps a renewed secret working beside the new one until its overlap ends, and not after', async () => {
    const { secret: first } = await registerServiceProvider('sp-renouvele', ['cnaf_quotient_familial']);
    const authenticates = (clientSecret: string) => secretAccepted(issuer, 'sp-renouvele', clientSecret, `${SP_ORIGIN}/callback`);
    const later = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms + stack.config.lookupCacheMs + 1 });
    try {
      const { secret: second, previousUntil } = await registry.rotateSecret('sp-renouvele', Date.now() + 86_400_000);
      expect(previousUntil).toBeGreaterThan(Date.now());
      expect([await authenticates(first ?? ''), await authenticates(second)]).toEqual([true, true]);
      // Ended by the service once it runs with the new one.
      await registry.endSecretOverlap('sp-renouvele');
      later(0);
      expect([await authenticates(first ?? ''), await authenticates(second)]).toEqual([false, true]);
      vi.useRealTimers();
      // Or ended by the date given: one day, then a minute more.
      const { secret: third } = await registry.rotateSecret('sp-renouvele', Date.now() + 86_400_000);
      // Past what the portal read at the clock moved above.
      later(2 * stack.config.lookupCacheMs);
      expect([await authenticates(second), await authenticates(third)]).toEqual([true, true]);
      later(86_400_000 + 60_000);
      expect([await authenticates(second), await authenticates(third)]).toEqual([false, true]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('accepts private_key_jwt with the keys the service publishes at its address (jwks_uri), read there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cle-publiee', alg: 'ES256', use: 'sig' };
    let reads = 0;
    const keysServer = createServer((_req, res) => {
      reads += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => keysServer.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUri = `http://localhost:${(keysServer.address() as AddressInfo).port}/jwks.json`;
      await registerServiceProvider('sp-cles-publiees', ['cnaf_quotient_familial'], { jwksUri });
      const keyClient = await serviceProviderClient(issuer, 'sp-cles-publiees', { privateKey, kid: 'cle-publiee' }, `${SP_ORIGIN}/callback`);
      const browser = new TestBrowser();
      const { url, checks } = await keyClient.authorizationUrl('openid cnaf_quotient_familial');
      const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
      expect((await keyClient.redeem(callback, checks)).scope).toBe('openid cnaf_quotient_familial');
      expect(reads).toBeGreaterThanOrEqual(1);
      // A key it does not publish is refused.
      const stranger = await generateKeyPair('ES256');
      const strangerClient = await serviceProviderClient(
        issuer,
        'sp-cles-publiees',
        { privateKey: stranger.privateKey, kid: 'cle-publiee' },
        `${SP_ORIGIN}/callback`,
      );
      const again = await strangerClient.authorizationUrl('openid cnaf_quotient_familial');
      const otherBrowser = new TestBrowser();
      const decided = await decide(otherBrowser, await reachConsentPage(otherBrowser, again.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
      await expect(strangerClient.redeem(decided.callback, again.checks)).rejects.toMatchObject({ error: 'invalid_client' });
    } finally {
      keysServer.close();
    }
  });

  it('refuses a private_key_jwt assertion made to live longer than five minutes', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'cle-2', alg: 'ES256', use: 'sig' };
    await registerServiceProvider('sp-assertion-longue', ['cnaf_quotient_familial'], { jwks: { keys: [jwk] } });
    for (const [lifetime, accepted] of [
      [365 * 86_400, false],
      [301, false],
      [300, true],
    ] as const) {
      const keyClient = await serviceProviderClient(
        issuer,
        'sp-assertion-longue',
        { privateKey, kid: 'cle-2', assertionLifetimeSeconds: lifetime },
        `${SP_ORIGIN}/callback`,
      );
      const browser = new TestBrowser();
      const { url, checks } = await keyClient.authorizationUrl('openid cnaf_quotient_familial');
      const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
      const redeemed = keyClient.redeem(callback, checks);
      if (accepted) expect((await redeemed).scope, String(lifetime)).toBe('openid cnaf_quotient_familial');
      else await expect(redeemed, String(lifetime)).rejects.toMatchObject({ error: 'invalid_client' });
    }
  });
});

describe('refusals', () => {
  it('"Ne pas transmettre" sends access_denied and records the refusal only', async () => {
    const browser = new TestBrowser();
    const before = (await consentRows('sp-conservatoire')).length;
    const { url, checks } = await sp.authorizationUrl(SCOPES);
    const { end, callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'refuser', SP_ORIGIN);
    expect(textOf(end.body)).toContain('Vous n’avez rien transmis');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(checks.state);
    await expect(sp.redeem(callback, checks)).rejects.toThrow();
    const rows = await consentRows('sp-conservatoire');
    expect(rows).toHaveLength(before + 1);
    expect(rows[0]).toMatchObject({ decision: 'refused', grant_id: null });
  });

  it('"Envoyer mes justificatifs moi-même" sends access_denied before any sign-in', async () => {
    const browser = new TestBrowser();
    const { url } = await sp.authorizationUrl(SCOPES);
    const request = await browser.visit(url);
    const link = /href="(\/demande\/[^"]+\/sans-connexion)"/.exec(request.body)?.[1] ?? '';
    const back = await browser.visit(new URL(link, request.url), {}, (next) => next.origin === SP_ORIGIN);
    expect(back.chain.at(-1)?.searchParams.get('error')).toBe('access_denied');
  });
});

describe('what the service provider may not do', () => {
  it('a scope outside its habilitation answers invalid_scope to its redirect URI', async () => {
    const { url } = await sp.authorizationUrl('openid cnaf_quotient_familial cnous_statut_boursier');
    const page = await new TestBrowser().visit(url, {}, (next) => next.origin === SP_ORIGIN);
    const callback = page.chain.at(-1) as URL;
    expect(callback.origin).toBe(SP_ORIGIN);
    expect(callback.searchParams.get('error')).toBe('invalid_scope');
  });

  it('PKCE is required', async () => {
    const url = oidc.buildAuthorizationUrl(sp.config, {
      redirect_uri: sp.redirectUri,
      scope: SCOPES,
      state: 'etat-sans-pkce',
      nonce: oidc.randomNonce(),
    });
    const page = await new TestBrowser().visit(url, {}, (next) => next.origin === SP_ORIGIN);
    expect(page.chain.at(-1)?.searchParams.get('error')).toBe('invalid_request');
  });

  it('an expired or revoked habilitation ends on a French page with a verified way back, never a redirect', async () => {
    const expired = await registerServiceProvider('sp-expiree');
    await db
      .updateTable('habilitation')
      .set({ valid_until: Date.now() - 1000 })
      .where('id', '=', expired.habilitation.id)
      .execute();
    const revoked = await registerServiceProvider('sp-revoquee');
    await registry.revokeHabilitation(revoked.habilitation.id);
    for (const clientId of ['sp-expiree', 'sp-revoquee']) {
      const client = await serviceProviderClient(issuer, clientId, { secret: 'inutile-ici-0000000000000000000000' }, `${SP_ORIGIN}/callback`);
      const { url, checks } = await client.authorizationUrl(SCOPES);
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(403);
      expect(response.headers.get('location')).toBeNull();
      const text = textOf(await response.text());
      expect(text).toContain('Ville de Testbourg n’a pas l’autorisation de demander ces informations');
      expect(text).toContain('Erreur DEMANDE-003');
      const back = /href="(http:\/\/localhost:4998\/callback[^"]*)"/.exec(await (await fetch(url)).text())?.[1]?.replaceAll('&amp;', '&');
      expect(new URL(back ?? '').searchParams.get('error')).toBe('unauthorized_client');
      expect(new URL(back ?? '').searchParams.get('state')).toBe(checks.state);
    }
  });

  it('takes the authorization request as a form POST too', async () => {
    const { url } = await sp.authorizationUrl(SCOPES);
    const response = await fetch(`${issuer}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: url.searchParams.toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/demande\//);
  });

  it('offers no way around the habilitation check: no pushed authorization request, no request_uri', async () => {
    const { secret: revokedSecret, habilitation } = await registerServiceProvider('sp-poussee');
    await registry.revokeHabilitation(habilitation.id);
    // A pushed request carries its redirect URI in the body: /oidc/auth would then only see client_id and request_uri.
    const pushed = await fetch(`${issuer}/request`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`sp-poussee:${revokedSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        client_id: 'sp-poussee',
        redirect_uri: `${SP_ORIGIN}/callback`,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    });
    expect(pushed.status).toBe(404);
    // Nor does a request that leaves out its redirect URI, or names one that is not registered, get past the check.
    for (const redirect of [undefined, 'https://ailleurs.example/callback']) {
      const url = new URL(`${issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: 'sp-poussee',
        response_type: 'code',
        scope: 'openid',
        ...(redirect === undefined ? {} : { redirect_uri: redirect }),
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(403);
      const body = await response.text();
      expect(textOf(body)).toContain('Erreur DEMANDE-003');
      expect(body).not.toContain('ailleurs.example');
    }
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.pushed_authorization_request_endpoint).toBeUndefined();
    expect(doc.request_uri_parameter_supported).not.toBe(true);
    // Access tokens are Bearer tokens: the data API does not check DPoP proofs, so none is offered.
    expect(doc.dpop_signing_alg_values_supported).toBeUndefined();
  });

  it('an unknown client or an unregistered redirect URI is a French page, never a redirect, each with its own code', async () => {
    const unknown = new URL(`${issuer}/auth`);
    unknown.search = new URLSearchParams({
      client_id: 'inconnu',
      redirect_uri: `${SP_ORIGIN}/callback`,
      response_type: 'code',
      scope: 'openid',
      state: 'x',
    }).toString();
    const foreign = (await sp.authorizationUrl(SCOPES, { redirect_uri: 'https://ailleurs.example/callback' })).url;
    const expected = [
      { url: unknown, code: 'DEMANDE-002', says: ['Le service qui vous a envoyé ici n’est pas reconnu.', 'le client_id de la demande'] },
      {
        url: foreign,
        code: 'DEMANDE-005',
        says: ['Le service n’a pas indiqué l’une de ses adresses de retour déclarées.', 'le redirect_uri de la demande'],
      },
    ];
    for (const { url, code, says } of expected) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      const text = textOf(await response.text());
      for (const line of says) expect(text).toContain(line);
      expect(text).toContain(`Erreur ${code}`);
    }
  });

  it('a code is single-use, and cannot be redeemed by another client', async () => {
    const browser = new TestBrowser();
    const { url, checks } = await sp.authorizationUrl(SCOPES);
    const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    const other = await registerServiceProvider('sp-voisine');
    const otherSp = await serviceProviderClient(issuer, 'sp-voisine', { secret: other.secret ?? '' }, `${SP_ORIGIN}/callback`);
    await expect(otherSp.redeem(callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(sp.redeem(callback, checks)).resolves.toBeDefined();
    await expect(sp.redeem(callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a wrong client secret is refused', async () => {
    const wrong = await serviceProviderClient(issuer, 'sp-conservatoire', { secret: `${secret}x` }, `${SP_ORIGIN}/callback`);
    const browser = new TestBrowser();
    const { url, checks } = await wrong.authorizationUrl(SCOPES);
    const { callback } = await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    await expect(wrong.redeem(callback, checks)).rejects.toMatchObject({ status: 401 });
  });
});

describe('the consent page', () => {
  it('refuses a decision without the CSRF token and records nothing', async () => {
    const browser = new TestBrowser();
    const { url } = await sp.authorizationUrl(SCOPES);
    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    const before = (await consentRows('sp-conservatoire')).length;
    const page = await browser.visit(consentForm(consent).decisionUrl, { form: { decision: 'refuser' } });
    expect(page.status).toBe(403);
    expect(textOf(page.body)).toContain('Votre formulaire a expiré');
    expect(await consentRows('sp-conservatoire')).toHaveLength(before);
  });

  it('cannot be framed', async () => {
    const response = await fetch((await sp.authorizationUrl(SCOPES)).url);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('a stale or replayed request ends on a clear page', async () => {
    const browser = new TestBrowser();
    const unknown = await browser.visit(`${stack.portalUrl}/demande/inconnue`);
    expect(unknown.status).toBe(400);
    expect(textOf(unknown.body)).toContain('Cette demande n’est plus valide');

    const { url } = await sp.authorizationUrl(SCOPES);
    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    const { decisionUrl, fields } = consentForm(consent);
    await decide(browser, consent, 'transmettre', SP_ORIGIN);
    const replay = await browser.visit(decisionUrl, { form: { ...fields, decision: 'refuser' } });
    expect(replay.status).toBe(400);
    expect(textOf(replay.body)).toContain('Cette demande n’est plus valide');
  });

  it('a decision that is neither choice is a 400 page', async () => {
    const browser = new TestBrowser();
    const { url } = await sp.authorizationUrl(SCOPES);
    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    const { decisionUrl, fields } = consentForm(consent);
    const page = await browser.visit(decisionUrl, { form: { ...fields, decision: 'peut-etre' } });
    expect(page.status).toBe(400);
  });
});
