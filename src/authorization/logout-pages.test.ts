import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../test/helpers/browser.js';
import { formWithAction, textOf, titleOf } from '../../test/helpers/html.js';
import { reachConsentPage, serviceProviderClient, type TestServiceProvider } from '../../test/helpers/service-provider.js';
import { type Stack, startStack } from '../../test/helpers/stack.js';
import { openDatabase } from '../db/database.js';
import { addMonths } from '../registry/habilitation.js';
import { createRegistry } from '../registry/registry.service.js';

const SP_ORIGIN = 'http://localhost:4996';
const CLIENT_ID = 'sp-piscine';
const SCOPE = 'openid cnaf_quotient_familial';

let stack: Stack;
let sp: TestServiceProvider;

beforeAll(async () => {
  stack = await startStack();
  const db = openDatabase(stack.config.database);
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: '21330063500017', name: 'Ville de Testbourg' });
  const { clientSecret } = await registry.createServiceProvider({
    siret: '21330063500017',
    clientId: CLIENT_ID,
    displayName: 'Piscine de Testbourg',
    procedureName: 'Tarif réduit',
    redirectUris: [`${SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId: CLIENT_ID,
    scopes: ['cnaf_quotient_familial'],
    purpose: 'Appliquer le tarif réduit selon le quotient familial.',
    legalBasis: 'Délibération du conseil municipal',
    legalReference: 'CRPA, article L114-8',
    retentionDays: 30,
    validUntil: addMonths(Date.now(), 6),
  });
  await db.destroy();
  sp = await serviceProviderClient(stack.config.authorization.issuer, CLIENT_ID, { secret: clientSecret ?? '' }, `${SP_ORIGIN}/callback`);
});
afterAll(() => stack?.stop());

/** A citizen signed in at the authorization server (through FranceConnect), then sent to its logout page by the service. */
async function signedInAtLogoutPage() {
  const browser = new TestBrowser();
  await reachConsentPage(browser, (await sp.authorizationUrl(SCOPE)).url, SP_ORIGIN);
  const page = await browser.visit(`${stack.config.authorization.issuer}/session/end?client_id=${CLIENT_ID}`);
  return { browser, page };
}

/** What oidc-provider answers the service's silent request (prompt=none): whether the citizen is still signed in. */
async function silentRequestError(browser: TestBrowser) {
  const { url } = await sp.authorizationUrl(SCOPE, { prompt: 'none' });
  const back = await browser.visit(url, {}, (next) => next.origin === SP_ORIGIN);
  return new URL(back.chain.at(-1) ?? '').searchParams.get('error');
}

const directive = (csp: string, name: string) => csp.split(';').find((part) => part.trim().startsWith(`${name} `)) ?? '';

describe('the sign-out requested by a service provider (RP-initiated logout)', () => {
  it('asks for confirmation on a French page of the portal, with nothing loaded from another site', async () => {
    const { page } = await signedInAtLogoutPage();
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="fr"');
    expect(titleOf(page.body)).toBe('Confirmer la déconnexion – Passerelle Particulier');
    expect(page.body).toMatch(/<h1>Vous déconnecter de Passerelle Particulier \?<\/h1>/);
    expect(textOf(page.body)).toContain('Vous quittez Piscine de Testbourg.');
    // oidc-provider's form, with its xsrf field, submitted by our DSFR buttons.
    const form = formWithAction(page.body, /\/oidc\/session\/end\/confirm$/);
    expect(form.fields.xsrf).toMatch(/^[0-9a-f]{48}$/);
    expect(page.body).toContain('<button class="fr-btn" type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>');
    expect(page.body).toContain('<button class="fr-btn fr-btn--secondary" type="submit" form="op.logoutForm">Rester connecté(e)</button>');

    expect(page.body).not.toContain('fonts.googleapis');
    expect(page.body).not.toMatch(/<style\b|\sstyle=/i);
    const resources = [...page.body.matchAll(/<(?:link|script|img|use)\b[^>]*\s(?:href|src)="([^"]*)"/g)].map(([, url]) => url ?? '');
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.filter((url) => !url.startsWith('/'))).toEqual([]);

    const csp = page.headers.get('content-security-policy') ?? '';
    expect(directive(csp, 'style-src').trim()).toBe("style-src 'self'");
    expect(directive(csp, 'font-src').trim()).toBe("font-src 'self'");
    expect(csp).not.toContain('https:');
    expect(csp).not.toContain("'unsafe-inline'");
    // The layout's scripts carry this response's nonce, read from Express's response inside oidc-provider.
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(page.body).toContain(`nonce="${nonce}"`);
  });

  it('"Se déconnecter" ends the session and says so in French', async () => {
    const { browser, page } = await signedInAtLogoutPage();
    const form = formWithAction(page.body, /\/oidc\/session\/end\/confirm$/);
    const done = await browser.visit(form.action, { form: { ...form.fields, logout: 'yes' } });
    expect(done.status).toBe(200);
    expect(done.url.pathname).toBe('/oidc/session/end/success');
    expect(done.body).toContain('<html lang="fr"');
    expect(titleOf(done.body)).toBe('Vous êtes déconnecté(e) – Passerelle Particulier');
    expect(done.body).toContain('<h1>Vous êtes déconnecté(e)</h1>');
    expect(done.body).not.toContain('fonts.googleapis');
    expect(browser.cookieValue(new URL(stack.portalUrl).hostname, 'pp_session')).toBeUndefined();
    expect(textOf(done.body)).toContain('Votre session sur Passerelle Particulier est terminée.');
    expect(await silentRequestError(browser)).toBe('login_required');
    // Signed out of the portal too: its home page and the service's next request ask for FranceConnect again.
    expect(textOf((await browser.visit(stack.portalUrl)).body)).not.toContain('Vous êtes connecté(e) avec FranceConnect');
    const next = await browser.visit((await sp.authorizationUrl(SCOPE)).url, {}, (url) => url.origin === SP_ORIGIN);
    expect(next.body).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
  });

  it('"Rester connecté(e)" keeps the session, and the page says so', async () => {
    const { browser, page } = await signedInAtLogoutPage();
    const form = formWithAction(page.body, /\/oidc\/session\/end\/confirm$/);
    const done = await browser.visit(form.action, { form: form.fields });
    expect(done.status).toBe(200);
    expect(titleOf(done.body)).toBe('Vous êtes toujours connecté(e) – Passerelle Particulier');
    expect(textOf(done.body)).toContain('Vous avez choisi de rester connecté(e) à Passerelle Particulier.');
    // Still signed in: oidc-provider asks for consent, as for every request, not for a sign-in.
    expect(await silentRequestError(browser)).toBe('consent_required');
    expect(textOf((await browser.visit(stack.portalUrl)).body)).toContain('Vous êtes connecté(e) avec FranceConnect');
  });

  it('refuses a confirmation without its xsrf value', async () => {
    const { browser, page } = await signedInAtLogoutPage();
    const form = formWithAction(page.body, /\/oidc\/session\/end\/confirm$/);
    const forged = await browser.visit(form.action, { form: { logout: 'yes' }, headers: { accept: 'text/html' } });
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('<html lang="fr"');
    expect(await silentRequestError(browser)).toBe('consent_required');
  });
});
