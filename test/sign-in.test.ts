import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataCipher } from '../src/crypto/data-cipher.js';
import { openDatabase } from '../src/db/database.js';
import { type Page, TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf, titleOf } from './helpers/html.js';
import { confirmFranceConnectLogout, openFranceConnectLogin, signIn, signOut, submitFranceConnectLogin } from './helpers/journeys.js';
import { closedPort, type Stack, startStack } from './helpers/stack.js';

function expectErrorPage(page: Page, status: number, code: string, heading: string) {
  expect(page.status).toBe(status);
  expect(page.headers.get('content-type')).toContain('text/html');
  const text = textOf(page.body);
  expect(text).toContain(`Erreur ${code}`);
  expect(text).toContain(heading);
  expect(text).toMatch(/Référence à donner si vous nous contactez : \S+/);
  expect(page.body).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules/);
  expect(text).not.toContain('Vous êtes connecté(e) avec FranceConnect');
}

/** Session rows as stored (encrypted), and as the portal reads them. */
const sessionRows = async (stack: Stack) => {
  const db = openDatabase(stack.config.database);
  const cipher = createDataCipher(Buffer.from(stack.config.dataEncryptionKey, 'base64url'));
  try {
    return (await db.selectFrom('session').select(['sid', 'data']).execute()).map((row) => ({
      stored: row.data,
      data: cipher.decrypt(row.data, { table: 'session', column: 'data', row: row.sid }),
    }));
  } finally {
    await db.destroy();
  }
};

describe('FranceConnect sign-in (ES256, the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.stop());

  it('signs in as test/123, shows the given names and family name, and signs out through FranceConnect', async () => {
    const browser = new TestBrowser();
    const home = await browser.visit(stack.portalUrl);
    expect(home.body).toContain('class="fr-connect"');
    expect(textOf(home.body)).toContain('S’identifier avec FranceConnect');
    expect(textOf(home.body)).toContain('Qu’est-ce que FranceConnect ?');
    const cookieName = stack.config.session.cookieName;
    const anonymousSession = browser.cookieValue('127.0.0.1', cookieName);

    const loginPage = await openFranceConnectLogin(browser, stack.portalUrl);
    const authorize = loginPage.chain.find((url) => url.pathname.endsWith('/authorize'));
    expect(authorize?.searchParams.get('acr_values')).toBe('eidas1');
    expect(authorize?.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);
    expect(authorize?.searchParams.get('nonce')).toMatch(/^[0-9a-f]{64}$/);
    expect(authorize?.searchParams.has('code_challenge')).toBe(false);

    const page = await submitFranceConnectLogin(browser, loginPage, 'test');
    expect(page.status).toBe(200);
    expect(page.url.pathname).toBe('/');
    expect(page.body).toContain('<span data-testid="given-names">Angela Claire Louise</span>');
    expect(page.body).toContain('<span data-testid="family-name">DUBOIS</span>');
    expect(browser.cookieValue('127.0.0.1', cookieName)).not.toBe(anonymousSession);
    expect((await sessionRows(stack)).some((row) => row.data.includes('"citizen"'))).toBe(true);
    expect((await sessionRows(stack)).some((row) => row.stored.includes('DUBOIS') || row.stored.includes('citizen'))).toBe(false);

    const out = await signOut(browser, stack.portalUrl);
    expect(
      out.chain.some((url) => url.pathname === '/api/v2/session/end' && url.searchParams.has('id_token_hint') && url.searchParams.has('state')),
    ).toBe(true);
    expect(out.url.pathname).toBe('/');
    expect(textOf(out.body)).toContain('Vous êtes déconnecté(e)');
    expect(out.body).toContain('class="fr-connect"');
    expect((await sessionRows(stack)).some((row) => row.data.includes('"citizen"'))).toBe(false);
  });

  it('keeps each person apart: names with accents and apostrophes are shown escaped and intact', async () => {
    const page = await signIn(new TestBrowser(), stack.portalUrl, 'accents_apostrophe');
    expect(page.body).toContain('<span data-testid="given-names">Anaïs Éloïse</span>');
    expect(page.body).toContain('<span data-testid="family-name">D&#39;AUBIGNÉ</span>');
  });

  it('refuses a replayed callback: the pending sign-in is used once', async () => {
    const browser = new TestBrowser();
    const loginPage = await openFranceConnectLogin(browser, stack.portalUrl);
    const page = await submitFranceConnectLogin(browser, loginPage, 'test');
    const callback = page.chain.find((url) => url.pathname === '/connexion/franceconnect/callback');
    expect(callback?.searchParams.get('code')).toBeTruthy();
    const replay = await browser.visit(callback as URL);
    expectErrorPage(replay, 400, 'FC-003', 'Votre session a expiré');

    const attacker = new TestBrowser();
    await openFranceConnectLogin(attacker, stack.portalUrl);
    expectErrorPage(await attacker.visit(callback as URL), 400, 'FC-002', 'La connexion avec FranceConnect n’a pas marché');
  });

  it('comes back home when the citizen cancels at FranceConnect, told so as a choice, not an error', async () => {
    const browser = new TestBrowser();
    const loginPage = await openFranceConnectLogin(browser, stack.portalUrl);
    const abort = /href="([^"]*\/abort)"/.exec(loginPage.body)?.[1] ?? '';
    const page = await browser.visit(new URL(abort, loginPage.url));
    expect(page.status).toBe(200);
    expect(page.url.pathname).toBe('/');
    expect(textOf(page.body)).toContain('Vous avez annulé la connexion Vous pouvez recommencer quand vous voulez.');
    expect(page.body).not.toContain('FC-001');
    const retry = formWithAction(page.body, '/connexion/franceconnect');
    const again = await browser.visit(new URL(retry.action, stack.portalUrl), { form: retry.fields });
    expect(again.body).toContain('name="login"');

    const cancelled = await signIn(new TestBrowser(), stack.portalUrl, 'annulation');
    expect(cancelled.url.pathname).toBe('/');
    expect(textOf(cancelled.body)).toContain('Vous avez annulé la connexion');
  });

  it('refuses an answer whose state does not match', async () => {
    expectErrorPage(await signIn(new TestBrowser(), stack.portalUrl, 'etat_errone'), 400, 'FC-002', 'La connexion avec FranceConnect n’a pas marché');
  });

  it('refuses a tampered ID token and a tampered userinfo', async () => {
    for (const login of ['id_token_altere', 'userinfo_altere']) {
      expectErrorPage(await signIn(new TestBrowser(), stack.portalUrl, login), 502, 'FC-005', 'La connexion avec FranceConnect n’a pas marché');
    }
  });

  it('refuses an eIDAS level below eidas1', async () => {
    expectErrorPage(
      await signIn(new TestBrowser(), stack.portalUrl, 'acr_insuffisant'),
      502,
      'FC-006',
      'La connexion avec FranceConnect n’a pas marché',
    );
  });

  it('explains a userinfo failure at FranceConnect', async () => {
    expectErrorPage(
      await signIn(new TestBrowser(), stack.portalUrl, 'userinfo_erreur'),
      502,
      'FC-007',
      'La connexion avec FranceConnect n’a pas marché',
    );
  });

  it('gives up on a slow token endpoint after its timeout', async () => {
    expectErrorPage(await signIn(new TestBrowser(), stack.portalUrl, 'jeton_lent'), 502, 'FC-004', 'FranceConnect ne répond pas pour le moment.');
  });

  it('says the session expired when FranceConnect answers a browser with no sign-in under way', async () => {
    const page = await new TestBrowser().visit(`${stack.portalUrl}/connexion/franceconnect/callback?code=abc&state=def`);
    expectErrorPage(page, 400, 'FC-003', 'Votre session a expiré');
  });

  it('refuses forms without a valid CSRF token, and a sign-in started from another site', async () => {
    const browser = new TestBrowser();
    await signIn(browser, stack.portalUrl);
    const page = await browser.visit(`${stack.portalUrl}/deconnexion`, { form: { _csrf: 'faux' } });
    expectErrorPage(page, 403, 'HTTP-403', 'Votre formulaire a expiré');
    expectErrorPage(await browser.visit(`${stack.portalUrl}/deconnexion`, { form: {} }), 403, 'HTTP-403', 'Votre formulaire a expiré');
    const crossSites: Record<string, string>[] = [
      { origin: 'https://site-tiers.example' },
      { origin: stack.portalUrl, 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ];
    for (const headers of crossSites) {
      const crossSite = await new TestBrowser().visit(`${stack.portalUrl}/connexion/franceconnect`, { form: {}, headers });
      expectErrorPage(crossSite, 403, 'HTTP-403', 'Votre formulaire a expiré');
    }
  });

  it('stores no session for anonymous visits: one is created when a sign-in starts', async () => {
    const before = (await sessionRows(stack)).length;
    const cookieName = stack.config.session.cookieName;
    const browser = new TestBrowser();
    for (const path of ['/', '/mon-espace', '/agents/connexion', '/verifier', '/statistiques', '/page-inconnue']) {
      await browser.visit(`${stack.portalUrl}${path}`);
    }
    await Promise.all(Array.from({ length: 50 }, () => new TestBrowser().visit(stack.portalUrl)));
    expect((await sessionRows(stack)).length).toBe(before);
    expect(browser.cookieValue('127.0.0.1', cookieName)).toBeUndefined();

    const home = await browser.visit(stack.portalUrl);
    const form = formWithAction(home.body, '/connexion/franceconnect');
    expect(form.fields._csrf).toBeUndefined();
    const franceconnect = await browser.visit(
      new URL(form.action, stack.portalUrl),
      { form: form.fields },
      (next) => next.port !== new URL(stack.portalUrl).port,
    );
    expect(franceconnect.status).toBe(303);
    expect((await sessionRows(stack)).length).toBe(before + 1);
    const [cookie] = franceconnect.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${cookieName}=`));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
  });

  it('ignores a sign-out return whose state is not the one sent', async () => {
    const browser = new TestBrowser();
    await signIn(browser, stack.portalUrl);
    const page = await browser.visit(`${stack.portalUrl}/deconnexion/callback?state=forge`);
    expect(textOf(page.body)).toContain('Vous êtes connecté(e) avec FranceConnect');
  });

  it('signs out locally before FranceConnect, so an abandoned FranceConnect logout leaves nobody signed in', async () => {
    const browser = new TestBrowser();
    await signIn(browser, stack.portalUrl);
    const home = await browser.visit(stack.portalUrl);
    const form = formWithAction(home.body, '/deconnexion');
    const logoutPage = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    expect(logoutPage.url.pathname).toBe('/api/v2/session/end');
    expect(textOf((await browser.visit(stack.portalUrl)).body)).not.toContain('Vous êtes connecté(e) avec FranceConnect');
    const done = await confirmFranceConnectLogout(browser, logoutPage);
    expect(textOf(done.body)).toContain('Votre session est terminée, ici et sur FranceConnect.');
  });

  it('titles each page', async () => {
    expect(titleOf((await new TestBrowser().visit(stack.portalUrl)).body)).toBe('Accueil – Passerelle Particulier');
  });
});

describe.each(['RS256', 'HS256'])('FranceConnect sign-in with %s', (alg) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ FC_SIGNING_ALG: alg });
  });
  afterAll(() => stack.stop());

  it('signs in and verifies signatures', async () => {
    const page = await signIn(new TestBrowser(), stack.portalUrl);
    expect(textOf(page.body)).toContain('Angela Claire Louise DUBOIS');
  });

  it('refuses a tampered ID token and a tampered userinfo', async () => {
    for (const login of ['id_token_altere', 'userinfo_altere']) {
      expectErrorPage(await signIn(new TestBrowser(), stack.portalUrl, login), 502, 'FC-005', 'La connexion avec FranceConnect n’a pas marché');
    }
  });
});

describe('FranceConnect unreachable', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ LOCAL_UPSTREAMS: 'false', FC_ISSUER: `http://127.0.0.1:${await closedPort()}/api/v2` });
  });
  afterAll(() => stack.stop());

  it('shows a French error page with a way to try again, and the portal keeps serving', async () => {
    const browser = new TestBrowser();
    const home = await browser.visit(stack.portalUrl);
    const form = formWithAction(home.body, '/connexion/franceconnect');
    const page = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    expectErrorPage(page, 502, 'FC-004', 'FranceConnect ne répond pas pour le moment.');
    const retry = formWithAction(page.body, '/connexion/franceconnect');
    expectErrorPage(
      await browser.visit(new URL(retry.action, stack.portalUrl), { form: retry.fields }),
      502,
      'FC-004',
      'FranceConnect ne répond pas pour le moment.',
    );
    expect((await browser.visit(`${stack.portalUrl}/healthz`)).status).toBe(200);
  });
});

describe('what the logs keep', () => {
  const lines: string[] = [];
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({}, { write: (line: string) => void lines.push(line) });
  });
  afterAll(() => stack.stop());

  it('records each request with its id, and no code, state, token, cookie or identity', async () => {
    const browser = new TestBrowser();
    const page = await signIn(browser, stack.portalUrl);
    const callback = page.chain.find((url) => url.pathname === '/connexion/franceconnect/callback') as URL;
    const logs = lines.join('\n');
    expect(logs).toContain('"path":"/connexion/franceconnect/callback"');
    expect(logs).toContain('usager connecté avec FranceConnect');
    expect(logs).toMatch(/"reqId":"[0-9a-f-]{36}"|"req":\{"id":"[0-9a-f-]{36}"/);
    for (const secret of [
      callback.searchParams.get('code'),
      callback.searchParams.get('state'),
      browser.cookieValue('127.0.0.1', stack.config.session.cookieName),
      'Angela',
      'DUBOIS',
      '1962-08-24',
    ]) {
      expect(secret).toBeTruthy();
      expect(logs).not.toContain(secret);
    }
  });
});

describe('another personas file', () => {
  let stack: Stack;
  let directory: string;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'personas-'));
    const file = join(directory, 'personas.json');
    writeFileSync(
      file,
      JSON.stringify({
        personas: [
          {
            login: 'maison',
            password: 'secret',
            description: 'Identité d’une équipe',
            given_name: 'Inès',
            family_name: 'MARCHAND',
            gender: 'female',
            birthdate: '1999-03-04',
            birthplace: '33063',
            birthcountry: '99100',
          },
        ],
      }),
    );
    stack = await startStack({ FC_PERSONAS_FILE: file });
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('signs in with an identity of FC_PERSONAS_FILE', async () => {
    const browser = new TestBrowser();
    const page = await submitFranceConnectLogin(browser, await openFranceConnectLogin(browser, stack.portalUrl), 'maison', 'secret');
    expect(textOf(page.body)).toContain('Inès MARCHAND');
  });
});
