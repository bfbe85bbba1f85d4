import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parisYear } from '../src/catalogue/income-years.js';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry, type Registry } from '../src/registry/registry.service.js';
import { type Page, TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf } from './helpers/html.js';
import { decide, preview, serviceProviderClient, type TestServiceProvider } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

const SP_ORIGIN = 'http://localhost:4997';
const SIRET = '13000999900017';

let stack: Stack;
let db: Kysely<Database>;
let registry: Registry;

/** A service provider whose habilitation asks each API in the mode given. */
async function serviceProvider(clientId: string, scopes: string[], callModes: Record<string, string>): Promise<TestServiceProvider> {
  const created = await registry.createServiceProvider({
    siret: SIRET,
    clientId,
    displayName: 'Ville de Testbourg',
    procedureName: 'Aide aux vacances',
    redirectUris: [`${SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId,
    scopes,
    purpose: 'Calculer l’aide aux vacances selon les ressources du foyer.',
    legalBasis: 'Délibération du conseil municipal',
    legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367425',
    retentionDays: 90,
    validUntil: addMonths(Date.now(), 6),
    callModes: callModes as never,
  });
  return serviceProviderClient(stack.config.authorization.issuer, clientId, { secret: created.clientSecret ?? '' }, `${SP_ORIGIN}/callback`);
}

const isFranceConnect = (url: URL) => url.href.startsWith(stack.fcIssuer);
const isConnexion = (url: URL) => /^\/demande\/[^/]+\/connexion$/.test(url.pathname);

/** The service's request → the portal's request page → FranceConnect's sign-in page, as the portal sends the citizen there. */
async function toFranceConnect(browser: TestBrowser, sp: TestServiceProvider, scope: string) {
  const { url, checks } = await sp.authorizationUrl(`openid ${scope}`);
  const request = await browser.visit(url);
  const form = formWithAction(request.body, /^\/demande\/[^/]+\/franceconnect$/);
  const login = await browser.visit(new URL(form.action, request.url), { form: form.fields });
  const authorize = login.chain.find((step) => isFranceConnect(step) && step.pathname.endsWith('/authorize'));
  if (authorize === undefined) throw new Error(`pas de passage par FranceConnect : ${login.url}`);
  return { login, authorize, checks };
}

/** Signs in at the local FranceConnect and stops on the way back, at the portal's /connexion step. */
async function signInUntilConnexion(browser: TestBrowser, login: Page, persona = 'test'): Promise<URL> {
  const form = formWithAction(login.body, /\/interaction\/[^/]+\/login$/);
  const back = await browser.visit(new URL(form.action, login.url), { form: { login: persona, password: '123' } }, isConnexion);
  const connexion = back.chain.at(-1);
  if (connexion === undefined || !isConnexion(connexion)) throw new Error(`pas de retour dans la demande : ${back.status} ${back.url}`);
  return connexion;
}

beforeAll(async () => {
  stack = await startStack();
  db = openDatabase(stack.config.database);
  registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: SIRET, name: 'Ville de Testbourg' });
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});
afterEach(() => {
  vi.useRealTimers();
});

const justificatifOf = async (accessToken: string) =>
  (
    (await (
      await fetch(`${stack.portalUrl}/api/v1/justificatif`, { headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` } })
    ).json()) as {
      justificatif: { elements: Array<{ scope: string; statut: string; donnees: Record<string, unknown> | null }> };
    }
  ).justificatif;

/** Moves the clock past the FranceConnect access token's 60 seconds, for the portal and the local FranceConnect alike. */
const tokenLifetimeOver = () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + 61_000);
};

describe('a habilitation asking its data with the citizen’s FranceConnect token', () => {
  const TAX = ['cnaf_quotient_familial', 'dgfip_rfr', 'dgfip_annee_n_moins_2_si_indispo_n_moins_1'];
  let taxes: TestServiceProvider;
  beforeAll(async () => {
    taxes = await serviceProvider('sp-vacances', TAX, { quotient_familial: 'france_connect', impot_particulier: 'france_connect' });
  });

  it('asks FranceConnect for the data scopes, obtains the quotient familial and the revenu fiscal de référence with the token, and transmits them', async () => {
    const browser = new TestBrowser();
    const { login, authorize, checks } = await toFranceConnect(browser, taxes, TAX.join(' '));
    expect(authorize.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', ...TAX]));
    // FranceConnect shows what the data providers will give before the citizen signs in.
    expect(textOf(login.body)).toContain('Quotient familial');
    expect(textOf(login.body)).toContain('Revenu fiscal de référence');

    const consent = await browser.visit(await signInUntilConnexion(browser, login));
    expect(consent.status).toBe(200);
    const previewPage = await preview(browser, consent);
    const text = textOf(previewPage.body);
    expect(text).toContain('Obtenu avec votre connexion FranceConnect');
    expect(text).not.toContain('Obtenu à partir de votre identité');

    const { callback } = await decide(browser, consent, 'transmettre', SP_ORIGIN);
    const tokens = await taxes.redeem(callback, checks);
    const justificatif = await justificatifOf(tokens.access_token);
    expect(justificatif.elements.map((e) => [e.scope, e.statut])).toEqual([
      ['dgfip_annee_n_moins_2_si_indispo_n_moins_1', 'disponible'],
      ['dgfip_rfr', 'disponible'],
      ['cnaf_quotient_familial', 'disponible'],
    ]);
    // The last income year, which the DGFiP knows for Angela DUBOIS.
    expect(justificatif.elements.find((e) => e.scope === 'dgfip_rfr')?.donnees).toEqual({ rfr: 38420, annee_revenus: parisYear() - 1 });
    expect(justificatif.elements.find((e) => e.scope === 'cnaf_quotient_familial')?.donnees).toMatchObject({ quotient_familial: { valeur: 620 } });
  });

  it('asks the year before when the DGFiP does not know the last one yet, as the habilitation allows', async () => {
    const browser = new TestBrowser();
    const { login, checks } = await toFranceConnect(browser, taxes, TAX.join(' '));
    const consent = await browser.visit(await signInUntilConnexion(browser, login, 'co_allocataire'));
    const { callback } = await decide(browser, consent, 'transmettre', SP_ORIGIN);
    const justificatif = await justificatifOf((await taxes.redeem(callback, checks)).access_token);
    expect(justificatif.elements.find((e) => e.scope === 'dgfip_rfr')?.donnees).toEqual({ rfr: 36910, annee_revenus: parisYear() - 2 });
  });

  it('signs the citizen in again when the token expired before the data were asked, without an error page', async () => {
    const browser = new TestBrowser();
    const { login } = await toFranceConnect(browser, taxes, TAX.join(' '));
    const connexion = await signInUntilConnexion(browser, login);
    tokenLifetimeOver();
    const again = await browser.visit(connexion);
    expect(again.chain.some((step) => isFranceConnect(step) && step.pathname.endsWith('/authorize'))).toBe(true);
    expect(again.status).toBe(200);
    expect(again.url.href.startsWith(stack.fcIssuer)).toBe(true);
    // A new sign-in, then the data, asked with the new token.
    const consent = await browser.visit(await signInUntilConnexion(browser, again));
    expect(textOf((await preview(browser, consent)).body)).toContain('Obtenu avec votre connexion FranceConnect');
  });
});

describe('a habilitation asking with the token when possible, else by identity', () => {
  it('asks by identity when the token expired, with no new sign-in, and says so on the preview', async () => {
    const sp = await serviceProvider('sp-cantine-mixte', ['cnaf_quotient_familial'], { quotient_familial: 'france_connect_sinon_identite' });
    const browser = new TestBrowser();
    const { login } = await toFranceConnect(browser, sp, 'cnaf_quotient_familial');
    const connexion = await signInUntilConnexion(browser, login);
    tokenLifetimeOver();
    const consent = await browser.visit(connexion);
    expect(consent.chain.some(isFranceConnect)).toBe(false);
    const text = textOf((await preview(browser, consent)).body);
    expect(text).toContain('Obtenu à partir de votre identité');
    expect(text).not.toContain('Obtenu avec votre connexion FranceConnect');
  });

  it('asks with the token while it lives', async () => {
    const sp = await serviceProvider('sp-cantine-mixte-2', ['cnaf_quotient_familial'], { quotient_familial: 'france_connect_sinon_identite' });
    const browser = new TestBrowser();
    const { login } = await toFranceConnect(browser, sp, 'cnaf_quotient_familial');
    const consent = await browser.visit(await signInUntilConnexion(browser, login));
    expect(textOf((await preview(browser, consent)).body)).toContain('Obtenu avec votre connexion FranceConnect');
  });
});

describe('an API that takes something typed besides the token (the ANTS’s plate)', () => {
  const VEHICLE = [
    'ants_extrait_immatriculation_vehicule_statut_rattachement',
    'ants_extrait_immatriculation_vehicule_donnees_immatriculation_vehicule',
  ];
  let garage: TestServiceProvider;
  beforeAll(async () => {
    garage = await serviceProvider('sp-stationnement', VEHICLE, {});
  });

  it('asks the plate on the consent step, then the ANTS with the token and the plate', async () => {
    const browser = new TestBrowser();
    const { login } = await toFranceConnect(browser, garage, VEHICLE.join(' '));
    const consent = await browser.visit(await signInUntilConnexion(browser, login));
    expect(consent.body).toContain('name="immatriculation"');
    const refused = await preview(browser, consent, { immatriculation: 'pas une plaque' });
    expect(refused.status).toBe(400);
    expect(textOf(refused.body)).toContain('AB-123-CD');
    const text = textOf((await preview(browser, consent, { immatriculation: 'xx 417 qz' })).body);
    expect(text).toContain('Titulaire');
    expect(text).toContain('XX-417-QZ');
    expect(text).toContain('Obtenu avec votre connexion FranceConnect');
  });

  it('signs in again when the token expired while the plate was typed, then shows the preview at once', async () => {
    const browser = new TestBrowser();
    const { login } = await toFranceConnect(browser, garage, VEHICLE.join(' '));
    const consent = await browser.visit(await signInUntilConnexion(browser, login));
    tokenLifetimeOver();
    const toSignIn = await preview(browser, consent, { immatriculation: 'XX-417-QZ' });
    expect(toSignIn.url.href.startsWith(stack.fcIssuer)).toBe(true);
    const form = formWithAction(toSignIn.body, /\/interaction\/[^/]+\/login$/);
    const back = await browser.visit(new URL(form.action, toSignIn.url), { form: { login: 'test', password: '123' } });
    expect(back.url.pathname).toMatch(/\/apercu$/);
    expect(textOf(back.body)).toContain('XX-417-QZ');
  });
});
