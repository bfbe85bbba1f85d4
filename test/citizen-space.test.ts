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

/** The citizen (signed in within `browser`) transmits to the test SP of Mairie d’Exempleville; the SP redeems the code. */
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

/** An agent of Mairie d’Exempleville opens (and prints) the justificatif. */
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

/** The cards of Mon espace's list, in order: their number, their state's badge, their text. */
const cardsOf = (html: string) =>
  [...html.matchAll(/<div class="fr-card [^"]*" data-reference="([^"]*)">([\s\S]*?)<\/div><\/div>\s*<\/div>/g)].map(([, reference, body = '']) => ({
    reference,
    state: textOf(/data-testid="etat">([^<]*)</.exec(body)?.[1] ?? ''),
    text: textOf(body),
  }));

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

  it('lists every share and refusal, newest first, each card with what was shared, the date and time, and its state', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace`);
    expect(page.status).toBe(200);
    expect(titleOf(page.body)).toBe('Mes transmissions – Passerelle Particulier');
    const cards = cardsOf(page.body);
    expect(cards.map((card) => card.state)).toEqual(['Transmise', 'Refusée']);
    const [transmission, refusal] = cards;
    expect(transmission?.reference).toBe(shared.reference);
    expect(transmission?.text).toContain('Mairie d’Exempleville – Accueil périscolaire');
    expect(transmission?.text).toContain('Transmises : Quotient familial');
    expect(transmission?.text).toMatch(/Le \d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2} · Gardées jusqu’au \d{1,2} [a-zéû]+ \d{4}/);
    expect(refusal?.text).toContain('Demandées : Quotient familial. Rien n’a été transmis.');
    expect(refusal?.text).toMatch(/Le \d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2}/);
  });

  it('filters by state and by service without JavaScript (a GET form), and ignores values it does not know', async () => {
    const list = await browser.visit(`${stack.portalUrl}/mon-espace`);
    const form = formWithAction(list.body, '/mon-espace');
    expect(form.method).toBe('get');
    expect(list.body).toMatch(/<select class="fr-select" id="etat" name="etat">/);
    expect(list.body).toContain('<option value="sp-periscolaire">Mairie d’Exempleville – Accueil périscolaire</option>');
    const states = async (query: string) => cardsOf((await browser.visit(`${stack.portalUrl}/mon-espace?${query}`)).body).map((card) => card.state);
    expect(await states('etat=refused')).toEqual(['Refusée']);
    expect(await states('etat=active&service=sp-periscolaire')).toEqual(['Transmise']);
    expect(await states('etat=withdrawn')).toEqual([]);
    expect(await states('etat=nimporte&service=autre-service')).toEqual(['Transmise', 'Refusée']);
    expect(await states('etat=active&etat=refused&service=')).toEqual(['Transmise', 'Refusée']);
    const filtered = await browser.visit(`${stack.portalUrl}/mon-espace?etat=withdrawn`);
    expect(filtered.status).toBe(200);
    expect(textOf(filtered.body)).toContain('Aucune transmission ne correspond à ces filtres.');
    expect(filtered.body).toContain('<option value="withdrawn" selected>Retirée</option>');
  });

  it('links the signed-in home page to Mon espace', async () => {
    const home = await browser.visit(`${stack.portalUrl}/`);
    expect(home.body).toMatch(/<a class="fr-link[^"]*" href="\/mon-espace">Voir mes transmissions dans Mon espace<\/a>/);
  });

  it('shows the receipt, what was sent, and who accessed it, agents under a stable pseudonymous number', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}`);
    const text = textOf(page.body);
    expect(text).toContain(`Numéro de reçu : ${shared.reference}`);
    expect(text).toContain('Finalité : Calculer le tarif de l’accueil périscolaire.');
    expect(text).toContain('Quotient familial (Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)) État : Transmise');
    expect(text).toMatch(/Conservées par Mairie d’Exempleville jusqu’au \d{1,2} [a-zéû]+ \d{4}/);
    const log = /<table data-testid="historique">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(textOf(log)).toContain('Logiciel de la démarche « Accueil périscolaire » a reçu vos informations');
    const agents = [...textOf(log).matchAll(/Agent n° ([0-9A-F]{4}), Mairie d’Exempleville a (consulté|imprimé) le justificatif/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(agents).toHaveLength(3);
    const [admin, printer, viewer] = agents;
    expect(printer?.[0]).toBe(viewer?.[0]);
    expect(admin?.[0]).not.toBe(viewer?.[0]);
    expect(textOf(log)).not.toMatch(/Camille|Sophie|MARTIN|BERNARD/);
  });

  it('names each receipt link for what it does: a page to print, a PDF, a signed JSON, as DSFR download links with their size', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}`);
    const link = (name: string) => new RegExp(`<a class="([^"]*)"[^>]*>${name}`).exec(page.body)?.[1];
    expect(link('Voir et imprimer le reçu')).not.toContain('fr-link--download');
    expect(link('Télécharger le reçu \\(PDF\\)')).toContain('fr-link--download');
    expect(link('Télécharger le reçu signé \\(JSON\\)')).toContain('fr-link--download');
    expect(textOf(page.body)).toMatch(/Télécharger le reçu \(PDF\) PDF – \d+ ko Télécharger le reçu signé \(JSON\) JSON – \d+ ko/);
  });

  it('gives a printable receipt: issuer, recipient, the values sent, the citizen’s rights and whom to write to, how to withdraw, no hash', async () => {
    const page = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu`);
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(`Numéro : ${shared.reference}`);
    expect(text).toContain('Émis par : Passerelle Particulier');
    expect(text).toContain(`Destinataire : Mairie d’Exempleville (SIRET ${EXEMPLEVILLE})`);
    const values = textOf(/<ul class="pp-receipt-items"[\s\S]*?<\/ul>/.exec(page.body)?.[0] ?? '');
    expect(values).toMatch(
      /^Quotient familial \(Caisse d’allocations familiales \(CAF\) ou Mutualité sociale agricole \(MSA\)\) État : Transmise Quotient familial \d+ \(/,
    );
    expect(text).toContain('Accès : Vous pouvez revoir à tout moment ce que vous avez transmis');
    expect(text).toContain('Rectification : Nous transmettons les informations telles que les administrations nous les donnent');
    expect(text).toContain('Retrait : Vous pouvez retirer ces informations à tout moment.');
    expect(page.body).toContain('<a href="mailto:dpd@passerelle.example">dpd@passerelle.example</a>');
    expect(text).toContain(`Retirer mes informations ». Adresse : ${stack.portalUrl}/mon-espace/transmissions/${shared.reference}`);
    expect(page.body).not.toMatch(/sha-?256|empreinte/i);
    // The print button needs JavaScript: hidden until the script (a file of the portal, as the CSP allows) shows it.
    expect(page.body).toContain(
      '<li class="fr-hidden" data-print><button class="fr-btn fr-icon-printer-line" type="button">Imprimer le reçu</button></li>',
    );
    expect(page.body).toContain('<script src="/static/print-button.js"></script>');
    expect(textOf(/<noscript>[\s\S]*?<\/noscript>/.exec(page.body)?.[0] ?? '')).toContain('utilisez la commande « Imprimer » de votre navigateur');
    const script = await fetch(`${stack.portalUrl}/static/print-button.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('window.print()');
  });

  it('gives the receipt as a PDF for people, with its number', async () => {
    const response = await fetch(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu.pdf`, {
      headers: { cookie: browser.cookieHeaderFor(stack.portalUrl) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="recu-${shared.reference}.pdf"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(shared.reference);
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

  it('shows the co-allocataire named in the answer the transmission that concerns him: to whom, when, why, which items, never the values', async () => {
    const bernard = new TestBrowser();
    await signIn(bernard, stack.portalUrl, 'co_allocataire');
    const list = await bernard.visit(`${stack.portalUrl}/mon-espace`);
    const section = list.body.slice(list.body.indexOf('id="vous-concernent"'));
    expect(list.body).toContain('id="vous-concernent"');
    expect(section).toContain(`data-concerning="${shared.reference}"`);
    const text = textOf(section);
    expect(text).toContain('Mairie d’Exempleville');
    expect(text).toContain('Informations transmises : Quotient familial');
    // Neither the values nor who transmitted them.
    expect(text).not.toMatch(/620|Angela|450/);
    // A person the answer does not name sees no such section.
    const stranger = new TestBrowser();
    await signIn(stranger, stack.portalUrl, 'ne_en_corse');
    expect((await stranger.visit(`${stack.portalUrl}/mon-espace`)).body).not.toContain('id="vous-concernent"');
    // Nor does the citizen who transmitted see her own transmission there.
    expect((await browser.visit(`${stack.portalUrl}/mon-espace`)).body).not.toContain('id="vous-concernent"');
  });

  it('another citizen never reaches it, by any route or number', async () => {
    const other = new TestBrowser();
    await signIn(other, stack.portalUrl, 'ne_en_corse');
    const list = await other.visit(`${stack.portalUrl}/mon-espace`);
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(shared.reference);
    for (const suffix of ['', '/recu', '/recu.pdf', '/recu.json', '/recu-effacement.json', '/retrait']) {
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
    // Read once before: the portal now remembers the token (LOOKUP_CACHE_MS); the withdrawal must count at once anyway.
    expect((await api('/api/v1/justificatif', shared.tokens.access_token)).status).toBe(200);
    const confirm = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/retrait`);
    expect(textOf(confirm.body)).toContain('Retirer vos informations transmises à Mairie d’Exempleville ?');
    // « Mairie » is feminine: the sentence does not depend on the organisation's name.
    expect(textOf(confirm.body)).toContain('Mairie d’Exempleville peut garder les informations déjà utilisées pour votre dossier, selon ses règles.');
    expect(textOf(confirm.body)).not.toContain('ce qu’il a déjà utilisé');
    const form = formWithAction(confirm.body, /\/retrait$/);
    expect(confirm.body).toContain('>Oui, retirer mes informations</button>');
    expect(confirm.body).toContain('>Non, revenir</a>');

    expect((await browser.visit(new URL(form.action, stack.portalUrl), { form: {} })).status).toBe(403);
    const done = await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    expect(textOf(done.body)).toContain('Vos informations ont été retirées le');
    expect(textOf(done.body)).toContain(`Numéro de reçu d’effacement : ${shared.reference}-E`);
    // The history shows the withdrawal; the data are no longer « kept until »: they were erased, on that day.
    const history = textOf(/<table data-testid="historique">[\s\S]*?<\/table>/.exec(done.body)?.[0] ?? '');
    expect(history).toMatch(/^Historique de vos informations Date Qui Action \d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2} Vous avez retiré ces informations/);
    expect(textOf(done.body)).toMatch(/Effacées le \d{1,2} [a-zéû]+ \d{4}/);
    expect(textOf(done.body)).not.toMatch(/Conserv|jusqu’au/);
    expect(textOf(done.body)).toMatch(/Les valeurs ont été effacées le \d{1,2} [a-zéû]+ \d{4}, quand vous avez retiré ces informations\./);
    expect(done.body).toMatch(
      /<a class="fr-link fr-link--download" download href="[^"]+\/recu-effacement\.json">Télécharger le reçu d’effacement signé \(JSON\)/,
    );
    const receipt = textOf((await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${shared.reference}/recu`)).body);
    expect(receipt).toMatch(/Effacées le \d{1,2} [a-zéû]+ \d{4}/);
    expect(receipt).toContain('Retrait : Vous avez retiré ces informations le');
    expect(receipt).not.toMatch(/Conserv|jusqu’au/);

    const refused = await api('/api/v1/justificatif', shared.tokens.access_token);
    expect(refused.status).toBe(410);
    // The answer is the one the OpenAPI file documents, with the date of the withdrawal.
    const openapi = (await (await fetch(`${stack.portalUrl}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { examples: Record<string, { value: { errors: unknown[] } }> }> }> } }
      >;
    };
    const documented = openapi.paths['/api/v1/justificatif']?.get.responses['410']?.content['application/json']?.examples['00410']?.value;
    const [error] = ((await refused.json()) as { errors: Array<{ meta: { retire_le: string } }> }).errors;
    expect(error).toEqual({ ...(documented?.errors[0] as object), meta: { retire_le: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) } });
    expect((await api('/v3/dss/quotient_familial/france_connect', shared.tokens.access_token)).status).toBe(410);
    // Counted for the service's dashboard, with its code.
    const refusals = await db.selectFrom('journal_entry').select(['actor', 'data']).where('type', '=', 'api.refused').execute();
    expect(refusals.map((entry) => JSON.parse(entry.data))).toEqual(
      expect.arrayContaining([
        { route: '/api/v1/justificatif', status: 410, code: '00410' },
        { route: '/v3/dss/quotient_familial/france_connect', status: 410, code: '00410' },
      ]),
    );
    expect(new Set(refusals.map((entry) => entry.actor)).size).toBe(1);
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
