import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { canonicalJson } from '../src/journal/canonical-json.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { type Page, TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf, titleOf } from './helpers/html.js';
import { signIn } from './helpers/journeys.js';
import { decide, reachConsentPage, serviceProviderClient, type TestServiceProvider } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

const SP_ORIGIN = 'http://localhost:4996';
const EXEMPLEVILLE = '21999999900010';

let stack: Stack;
let db: Kysely<Database>;
let sp: TestServiceProvider;

/** The citizen (signed in within `browser`) transmits to the test SP of Mairie d'Exempleville; the SP redeems the code. */
async function transmit(browser: TestBrowser, login = 'test') {
  const { url, checks } = await sp.authorizationUrl('openid cnaf_quotient_familial');
  const consent = await reachConsentPage(browser, url, SP_ORIGIN, login);
  const { callback, end } = await decide(browser, consent, 'transmettre', SP_ORIGIN);
  const tokens = await sp.redeem(callback, checks);
  // The confirmation page shows the justificatif's own number, the one Mon espace, agents and the service know.
  const reference = /data-testid="reference">([^<]+)</.exec(end.body)?.[1];
  const row = await db
    .selectFrom('justificatif')
    .selectAll()
    .where('reference', '=', reference ?? '')
    .executeTakeFirstOrThrow();
  return { tokens, reference: row.reference ?? '', justificatifId: row.id };
}

/** An agent of Mairie d'Exempleville opens (and prints) the justificatif. */
async function agentLooksAt(reference: string, login = 'agent.cantine', print = false) {
  const browser = new TestBrowser();
  const start = await browser.visit(`${stack.portalUrl}/agents/connexion`);
  const form = formWithAction(start.body, '/agents/connexion/proconnect');
  const pcLogin = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
  const pcForm = formWithAction(pcLogin.body, /\/login$/);
  await browser.visit(new URL(pcForm.action, pcLogin.url), { form: { login, password: '123' } });
  const detail = await browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}`);
  if (print) await browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}/impression`);
  return detail;
}

const api = (path: string, token: string) => fetch(`${stack.portalUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  stack = await startStack();
  db = openDatabase(stack.config.database);
  const registry = createRegistry(db, { allowLocalHttp: true });
  const { clientSecret } = await registry.createServiceProvider({
    siret: EXEMPLEVILLE,
    clientId: 'sp-periscolaire',
    displayName: 'Mairie d’Exempleville',
    procedureName: 'Accueil périscolaire',
    redirectUris: [`${SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId: 'sp-periscolaire',
    scopes: ['cnaf_quotient_familial'],
    purpose: 'Calculer le tarif de l’accueil périscolaire.',
    legalBasis: 'Délibération municipale',
    legalReference: 'CRPA, article L114-8',
    retentionDays: 90,
    validUntil: addMonths(Date.now(), 6),
  });
  sp = await serviceProviderClient(stack.config.authorization.issuer, 'sp-periscolaire', { secret: clientSecret ?? '' }, `${SP_ORIGIN}/callback`);
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('my shares', () => {
  let browser: TestBrowser;
  let shared: Awaited<ReturnType<typeof transmit>>;

  beforeAll(async () => {
    browser = new TestBrowser();
    // A refusal first, then a transmission that the service fetches and an agent views and prints.
    const { url } = await sp.authorizationUrl('openid cnaf_quotient_familial');
    await decide(browser, await reachConsentPage(browser, url, SP_ORIGIN), 'refuser', SP_ORIGIN);
    shared = await transmit(browser);
    expect((await api('/api/v1/justificatif', shared.tokens.access_token)).status).toBe(200);
    await agentLooksAt(shared.reference, 'agent.cantine', true);
    await agentLooksAt(shared.reference, 'admin.cantine');
  });

  it('lists every share and refusal, newest first', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace`);
    expect(page.status).toBe(200);
    expect(titleOf(page.body)).toBe('Mes transmissions – Passerelle Particulier');
    const text = textOf(page.body);
    expect(text.indexOf('Transmise')).toBeLessThan(text.indexOf('Refusée'));
    expect(text).toContain("Mairie d'Exempleville – Accueil périscolaire");
    expect(page.body).toContain(`data-reference="${shared.reference}"`);
  });

  it('shows the receipt, what was sent, and who accessed it, agents under a stable pseudonymous number', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}`);
    const text = textOf(page.body);
    expect(text).toContain(`Numéro de reçu : ${shared.reference}`);
    expect(text).toContain('Finalité : Calculer le tarif de l’accueil périscolaire.');
    expect(text).toContain('Quotient familial (Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)) : transmise');
    const log = /<table data-testid="historique">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(textOf(log)).toContain('Logiciel de la démarche « Accueil périscolaire » a reçu vos informations');
    const agents = [...textOf(log).matchAll(/Agent n° ([0-9A-F]{4}), Mairie d'Exempleville a (consulté|imprimé) le justificatif/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(agents).toHaveLength(3);
    const [admin, printer, viewer] = agents;
    expect(printer?.[0]).toBe(viewer?.[0]);
    expect(admin?.[0]).not.toBe(viewer?.[0]);
    expect(textOf(log)).not.toMatch(/Camille|Sophie|MARTIN|BERNARD/);
    expect((await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu`)).status).toBe(200);
  });

  it('gives a signed receipt that verifies with the JWKS, carries a hash of each value, and fails when altered', async () => {
    const download = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu.json`);
    expect(download.headers.get('content-disposition')).toContain(`recu-${shared.reference}.json`);
    const { recu, signature } = JSON.parse(download.body) as { recu: Record<string, unknown>; signature: string };
    const jwks = createLocalJWKSet((await (await fetch(`${stack.portalUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload } = await jwtVerify(signature, jwks, { issuer: stack.portalUrl, typ: 'receipt+jwt' });
    expect(payload).toMatchObject({
      recu_id: shared.reference,
      type: 'transmission',
      destinataire: { siret: EXEMPLEVILLE, client_id: 'sp-periscolaire' },
      retrait: { adresse: `${stack.portalUrl}/mon-espace/transmissions/${shared.reference}` },
    });
    expect(recu.recu_id).toBe(shared.reference);
    const justificatif = (await (await api('/api/v1/justificatif', shared.tokens.access_token)).json()) as {
      justificatif: { elements: Array<{ donnees: unknown }> };
    };
    const expected = `sha256:${createHash('sha256').update(canonicalJson(justificatif.justificatif.elements[0]?.donnees)).digest('hex')}`;
    expect((payload.elements as Array<{ empreinte_valeur: string }>)[0]?.empreinte_valeur).toBe(expected);
    const [header, claims, sig] = signature.split('.');
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims ?? '', 'base64url').toString()), finalite: 'Autre chose' }),
    ).toString('base64url');
    await expect(jwtVerify(`${header}.${altered}.${sig}`, jwks)).rejects.toThrow();
  });

  it('another citizen never reaches it, by any route or number', async () => {
    const other = new TestBrowser();
    await signIn(other, stack.portalUrl, 'ne_en_corse');
    const list = await other.visit(`${stack.portalUrl}/mon-espace`);
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(shared.reference);
    for (const suffix of ['', '/recu', '/recu.json', '/recu-effacement.json', '/retrait']) {
      expect((await other.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}${suffix}`)).status).toBe(404);
    }
    const form = formWithAction(list.body, '/deconnexion');
    const post = await other.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/retrait`, {
      form: { _csrf: form.fields._csrf ?? '' },
    });
    expect(post.status).toBe(404);
    expect(
      (await db.selectFrom('justificatif').select('withdrawn_at').where('id', '=', shared.justificatifId).executeTakeFirstOrThrow()).withdrawn_at,
    ).toBeNull();
  });
});

describe('withdrawal', () => {
  it('revokes the service’s tokens, erases the data, answers 410 to the service, shows agents the withdrawal, and gives a signed erasure receipt', async () => {
    const browser = new TestBrowser();
    const shared = await transmit(browser, 'nom_compose_nom_usage');
    const confirm = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/retrait`);
    expect(textOf(confirm.body)).toContain("Retirer vos informations transmises à Mairie d'Exempleville ?");
    const form = formWithAction(confirm.body, /\/retrait$/);
    expect(confirm.body).toContain('>Oui, retirer mes informations</button>');
    expect(confirm.body).toContain('>Non, revenir</a>');

    expect((await browser.visit(new URL(form.action, stack.portalUrl), { form: {} })).status).toBe(403);
    const done = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    expect(textOf(done.body)).toContain('Vos informations ont été retirées le');
    expect(textOf(done.body)).toContain(`Numéro de reçu d’effacement : ${shared.reference}-E`);

    const refused = await api('/api/v1/justificatif', shared.tokens.access_token);
    expect(refused.status).toBe(410);
    expect(((await refused.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('00410');
    expect((await api('/v3/dss/quotient_familial/france_connect', shared.tokens.access_token)).status).toBe(410);
    const row = await db.selectFrom('justificatif').selectAll().where('id', '=', shared.justificatifId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sealed: null, citizen_name_sealed: null });
    expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await db.selectFrom('oidc_payload').select('model').where('grant_id', '=', row.grant_id).execute()).toEqual([]);

    const agentPage = await agentLooksAt(shared.reference);
    expect(textOf(agentPage.body)).toContain('Retiré par l’usager');
    expect(textOf(agentPage.body)).not.toContain('GARNIER');
    expect(textOf((await new TestBrowser().visit(`${stack.portalUrl}/verifier?numero=${shared.reference}`)).body)).toContain(
      'la personne l’a retiré',
    );

    const erasure = JSON.parse(
      (await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu-effacement.json`)).body,
    ) as { signature: string };
    const jwks = createLocalJWKSet((await (await fetch(`${stack.portalUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload } = await jwtVerify(erasure.signature, jwks, { issuer: stack.portalUrl, typ: 'receipt+jwt' });
    expect(payload).toMatchObject({ type: 'effacement', recu_transmission: shared.reference });
    const withdrawn = await db
      .selectFrom('journal_entry')
      .select('data')
      .where('type', '=', 'justificatif.withdrawn')
      .where('subject', '=', `justificatif:${shared.justificatifId}`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(withdrawn.data)).toMatchObject({ reference: shared.reference, tokensRevoked: 1 });
    expect(textOf((await browser.visit(`${stack.portalUrl}/mon-espace`)).body)).toContain('Retirée');
  });
});

describe('fresh sign-in', () => {
  it('asks to sign in again after 30 minutes, and comes back to the space', async () => {
    const browser = new TestBrowser();
    await signIn(browser, stack.portalUrl);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31 * 60 * 1000 });
    const stale: Page = await browser.visit(`${stack.portalUrl}/mon-espace`);
    vi.useRealTimers();
    expect(stale.status).toBe(401);
    const form = formWithAction(stale.body, '/connexion/franceconnect');
    expect(form.fields.retour).toBe('/mon-espace');
    const fcLogin = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    const login = formWithAction(fcLogin.body, /\/login$/);
    const back = await browser.visit(new URL(login.action, fcLogin.url), { form: { login: 'test', password: '123' } });
    expect(back.url.pathname).toBe('/mon-espace');
    expect(titleOf(back.body)).toBe('Mes transmissions – Passerelle Particulier');
  });
});
