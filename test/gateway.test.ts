import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Derivations } from '../src/catalogue/derivations.js';
import { createDataCipher } from '../src/crypto/data-cipher.js';
import { tokenDigest } from '../src/crypto/token-digest.js';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import type { JustificatifDocument } from '../src/justificatif/document.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry, type Registry } from '../src/registry/registry.service.js';
import { TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf, titleOf } from './helpers/html.js';
import { decide, preview, reachConsentPage, serviceProviderClient, type TestServiceProvider } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

const SP_ORIGIN = 'http://localhost:4997';
const SIRET = '13000999900017';

let stack: Stack;
let db: Kysely<Database>;
let registry: Registry;

async function serviceProvider(clientId: string, scopes: string[], derivations: Derivations = {}): Promise<TestServiceProvider> {
  const { clientSecret } = await registry.createServiceProvider({
    siret: SIRET,
    clientId,
    displayName: 'Ville de Testbourg',
    procedureName: 'Aides municipales',
    redirectUris: [`${SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId,
    scopes,
    purpose: 'Accorder les aides municipales selon la situation du foyer.',
    legalBasis: 'Délibération du conseil municipal',
    legalReference: 'CRPA, article L114-8',
    retentionDays: 30,
    validUntil: addMonths(Date.now(), 6),
    derivations,
  });
  return serviceProviderClient(stack.config.authorization.issuer, clientId, { secret: clientSecret ?? '' }, `${SP_ORIGIN}/callback`);
}

/** A citizen goes through the whole request as `login`, transmits, and the service provider redeems the code. */
async function transmit(sp: TestServiceProvider, scope: string, login = 'test', inputs: Record<string, string> = {}) {
  const browser = new TestBrowser();
  const { url, checks } = await sp.authorizationUrl(scope);
  const consent = await reachConsentPage(browser, url, SP_ORIGIN, login);
  const { callback, previewPage } = await decide(browser, consent, 'transmettre', SP_ORIGIN, inputs);
  const tokens = await sp.redeem(callback, checks);
  return { tokens, previewPage: previewPage ?? consent, browser };
}

const api = (path: string, accessToken?: string, accept = 'application/json') =>
  fetch(`${stack.portalUrl}${path}`, { headers: { accept, ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }) } });

const setFault = (apiName: string, status?: number) =>
  fetch(
    `${stack.sandboxUrl}/_sandbox/pannes/${apiName}`,
    status === undefined
      ? { method: 'DELETE' }
      : { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) },
  );

let family: TestServiceProvider;
let qfOnly: TestServiceProvider;

beforeAll(async () => {
  stack = await startStack();
  db = openDatabase(stack.config.database);
  registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: SIRET, name: 'Ville de Testbourg' });
  family = await serviceProvider('sp-famille', ['cnaf_quotient_familial', 'cnaf_enfants', 'complementaire_sante_solidaire']);
  qfOnly = await serviceProvider('sp-quotient', ['cnaf_quotient_familial']);
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});
/**
 * A change made outside the portal's process (the test's own registry or database, as the CLI or another node would)
 * reaches it once its lookup bound (LOOKUP_CACHE_MS) has passed: the clock is moved past it.
 */
const pastLookupBound = () => {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + stack.config.lookupCacheMs + 1 });
};

afterEach(() => {
  vi.useRealTimers();
});

describe('preview', () => {
  it('shows every item with its value, producer and status before the choice', async () => {
    const browser = new TestBrowser();
    const { url } = await family.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants complementaire_sante_solidaire');
    const page = await preview(browser, await reachConsentPage(browser, url, SP_ORIGIN));
    expect(page.status).toBe(200);
    expect(titleOf(page.body)).toBe('Étape 2 sur 3 – Vérifier vos données – Passerelle Particulier');
    const text = textOf(page.body);
    expect(text).toContain('Quotient familial : 620 (octobre 2026, calculé par la CAF en septembre 2026)');
    expect(text).toContain('Lucie DUBOIS, née le 14 mars 2011');
    // The heading names the one that answered, as the value does.
    expect(page.body).toContain('<h2>Caisse d’allocations familiales (CAF)</h2>');
    expect(text).toContain('Assurance Maladie (Sécurité sociale)');
    expect(text).toContain('Bénéficiaire : Oui');
    expect(text).toContain('Vous allez transmettre à Ville de Testbourg : 3 informations sur 3.');
    expect(page.body).not.toContain('Certaines informations manquent');
  });

  it('with one source down, says which item is missing and why, offers a retry, and still lets the rest go', async () => {
    await setFault('complementaire_sante_solidaire', 503);
    const browser = new TestBrowser();
    const { url, checks } = await family.authorizationUrl('openid cnaf_quotient_familial complementaire_sante_solidaire');
    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    const page = await preview(browser, consent);
    const text = textOf(page.body);
    expect(text).toContain('Certaines informations manquent');
    expect(text).toContain('l’Assurance Maladie ne répond pas en ce moment.'.replace(/^l/, 'L'));
    expect(page.body).toMatch(/data-scope="complementaire_sante_solidaire" data-status="unavailable"/);
    expect(text).toContain('Vous allez transmettre à Ville de Testbourg : 1 information sur 2.');

    await setFault('complementaire_sante_solidaire');
    const retry = formWithAction(page.body, /\/apercu$/);
    expect(retry.fields.source).toBe('complementaire_sante_solidaire');
    const retried = await browser.visit(new URL(retry.action, page.url), { form: retry.fields });
    expect(retried.body).toMatch(/data-scope="complementaire_sante_solidaire" data-status="ok"/);
    expect(retried.body).toMatch(/data-scope="cnaf_quotient_familial" data-status="ok"/);

    await setFault('complementaire_sante_solidaire', 502);
    const again = await preview(browser, consent);
    await setFault('complementaire_sante_solidaire');
    const decision = formWithAction(again.body, /\/decision$/);
    const end = await browser.visit(new URL(decision.action, again.url), { form: { ...decision.fields, decision: 'transmettre' } });
    const link = /href="(\/demande\/[^"]+\/continuer)"/.exec(end.body)?.[1] ?? '';
    const callback = (await browser.visit(new URL(link, end.url), {}, (next) => next.origin === SP_ORIGIN)).chain.at(-1) as URL;
    const tokens = await family.redeem(callback, checks);
    const body = (await (await api('/api/v1/justificatif', tokens.access_token)).json()) as {
      justificatif: {
        numero: string;
        resultat: string;
        elements: Array<{ scope: string; statut: string; explication: string | null; donnees: unknown }>;
      };
    };
    expect(body.justificatif.elements.map((e) => [e.scope, e.statut])).toEqual([
      ['cnaf_quotient_familial', 'disponible'],
      ['complementaire_sante_solidaire', 'indisponible'],
    ]);
    expect(body.justificatif.elements[1]).toMatchObject({ explication: 'L’Assurance Maladie ne répond pas en ce moment.', donnees: null });

    // The confirmation and the justificatif say the same: one number, some obtained, what is missing.
    expect(textOf(end.body)).toContain('C’est fait Ville de Testbourg peut maintenant recevoir l’information que vous avez transmise.');
    expect(textOf(end.body)).toContain('Pour les autres, envoyez vos justificatifs à Ville de Testbourg vous-même : Complémentaire santé solidaire');
    const number = /data-testid="reference">([^<]+)</.exec(end.body)?.[1];
    expect(number).toMatch(/^PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(body.justificatif).toMatchObject({ numero: number, resultat: 'partiel' });

    const c2s = await api('/v3/dss/complementaire_sante_solidaire/france_connect', tokens.access_token);
    expect(c2s.status).toBe(504);
    expect(((await c2s.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('37001');
  });

  it('with nothing obtained, never says data are sent: the citizen may tell the service so, and the justificatif says it', async () => {
    await setFault('quotient_familial', 503);
    try {
      const browser = new TestBrowser();
      const { url, checks } = await family.authorizationUrl('openid cnaf_quotient_familial cnaf_enfants');
      const page = await preview(browser, await reachConsentPage(browser, url, SP_ORIGIN));
      const text = textOf(page.body);
      expect(text).toContain('Nous n’avons obtenu aucune information');
      expect(text).not.toMatch(/gardera|Vous allez transmettre|Certaines informations manquent/);
      // One source gives both items: one retry for it, not one per item.
      expect(page.body.match(/name="source"/g)).toHaveLength(1);
      const decision = formWithAction(page.body, /\/decision$/);
      expect(page.body).toContain('>Ne rien transmettre</button>');
      const told = /<button class="fr-btn" type="submit" name="decision" value="transmettre">([^<]+)</.exec(page.body)?.[1];
      expect(told).toBe('Dire à Ville de Testbourg qu’aucune information n’a été obtenue');
      const end = await browser.visit(new URL(decision.action, page.url), { form: { ...decision.fields, decision: 'transmettre' } });
      const endText = textOf(end.body);
      expect(endText).toContain('Aucune donnée n’a été envoyée');
      expect(endText).not.toMatch(/C’est fait|peut maintenant recevoir|que vous avez transmis/);
      expect(end.body).toContain('fr-alert--info');
      const number = /data-testid="reference">([^<]+)</.exec(end.body)?.[1];
      const link = /href="(\/demande\/[^"]+\/continuer)"/.exec(end.body)?.[1] ?? '';
      const callback = (await browser.visit(new URL(link, end.url), {}, (next) => next.origin === SP_ORIGIN)).chain.at(-1) as URL;
      const tokens = await family.redeem(callback, checks);
      const body = (await (await api('/api/v1/justificatif', tokens.access_token)).json()) as {
        justificatif: { numero: string; resultat: string; elements: Array<{ donnees: unknown }> };
      };
      expect(body.justificatif).toMatchObject({ numero: number, resultat: 'aucune_information' });
      expect(body.justificatif.elements.every((element) => element.donnees === null)).toBe(true);
    } finally {
      await setFault('quotient_familial');
    }
  });

  it('asks the France Travail login when the items need it, and explains a wrong one', async () => {
    const sp = await serviceProvider('sp-emploi', ['pole_emploi_paiements']);
    const browser = new TestBrowser();
    const { url } = await sp.authorizationUrl('openid pole_emploi_paiements');
    const consent = await reachConsentPage(browser, url, SP_ORIGIN);
    expect(consent.body).toContain('Identifiant de votre compte France Travail');
    const empty = await preview(browser, consent);
    expect(empty.status).toBe(400);
    expect(titleOf(empty.body)).toMatch(/^Erreur – Étape 1 sur 3/);
    expect(textOf(empty.body)).toContain('Saisissez l’identifiant de votre compte France Travail. Exemple : jean.dupont');
    expect(empty.body).toContain('aria-invalid="true"');
    const page = await preview(browser, consent, { identifiant_france_travail: 'angela.dubois' });
    expect(textOf(page.body)).toContain('1 120,40 €');
  });

  it('shows nothing of a France Travail account that is not the citizen’s, whoever’s login they type', async () => {
    const sp = await serviceProvider('sp-emploi-autre', ['pole_emploi_paiements', 'pole_emploi_contact']);
    const browser = new TestBrowser();
    const { url } = await sp.authorizationUrl('openid pole_emploi_paiements pole_emploi_contact');
    // Angela, signed in with FranceConnect, types Léon's login.
    const page = await preview(browser, await reachConsentPage(browser, url, SP_ORIGIN), { identifiant_france_travail: 'leon.roy' });
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Pas à votre nom');
    expect(text).toContain('n’est pas à votre nom : nous ne l’affichons pas.');
    for (const secret of ['742,15', 'leon.roy@exemple.fr', '0472000000']) expect(text).not.toContain(secret);
  });
});

describe('the service provider data API', () => {
  it('stops delivering within the lookup bound when the service’s habilitation is revoked, even a justificatif consented to before', async () => {
    const sp = await serviceProvider('sp-revoquee-apres', ['cnaf_quotient_familial']);
    const { tokens } = await transmit(sp, 'openid cnaf_quotient_familial');
    expect((await api('/api/v1/justificatif', tokens.access_token)).status).toBe(200);
    const habilitation = await registry.activeHabilitation('sp-revoquee-apres');
    await registry.revokeHabilitation(habilitation?.id ?? '');
    pastLookupBound();
    for (const path of ['/api/v1/justificatif', '/v3/dss/quotient_familial/france_connect']) {
      const refused = await api(path, tokens.access_token);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { errors: Array<{ code: string; detail: string }> }).errors[0]).toMatchObject({
        code: '00100',
        detail: expect.stringContaining('révoquée'),
      });
    }
  });

  it('gives the justificatif with its signature, verifiable with the published JWKS, and refuses one altered byte', async () => {
    const { tokens } = await transmit(family, 'openid cnaf_quotient_familial cnaf_enfants');
    const response = await api('/api/v1/justificatif', tokens.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // API Particulier's rate limit headers.
    expect(response.headers.get('ratelimit-limit')).toBe('1200');
    expect(Number(response.headers.get('ratelimit-remaining'))).toBeLessThan(1200);
    expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    const body = (await response.json()) as { justificatif: Record<string, unknown>; signature: string };
    expect(body.justificatif).toMatchObject({
      destinataire: { organisation: 'Ville de Testbourg', siret: SIRET, client_id: 'sp-famille', demarche: 'Aides municipales' },
      finalite: 'Accorder les aides municipales selon la situation du foyer.',
      sujet: tokens.claims()?.sub,
    });
    const jwks = createLocalJWKSet((await (await fetch(`${stack.portalUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const { payload } = await jwtVerify(body.signature, jwks, { issuer: stack.portalUrl, audience: 'sp-famille', typ: 'justificatif+jwt' });
    expect(payload.id).toBe(body.justificatif.id);
    expect(decodeProtectedHeader(body.signature).alg).toBe('ES256');

    const [header, claims, signature] = body.signature.split('.');
    const altered = Buffer.from(claims ?? '', 'base64url');
    altered[altered.indexOf(Buffer.from('620'))] = '9'.charCodeAt(0);
    await expect(jwtVerify(`${header}.${altered.toString('base64url')}.${signature}`, jwks)).rejects.toThrow();

    const compact = await api('/api/v1/justificatif', tokens.access_token, 'application/jwt');
    expect(compact.headers.get('content-type')).toContain('application/jwt');
    expect(await compact.text()).toBe(body.signature);
  });

  it('never lets a field of a scope not granted leave the gateway', async () => {
    const { tokens } = await transmit(qfOnly, 'openid cnaf_quotient_familial');
    const body = (await (await api('/api/v1/justificatif', tokens.access_token)).json()) as {
      justificatif: { elements: Array<{ donnees: Record<string, unknown> }> };
      signature: string;
    };
    expect(body.justificatif.elements).toHaveLength(1);
    expect(Object.keys(body.justificatif.elements[0]?.donnees ?? {})).toEqual(['quotient_familial']);
    for (const hidden of ['enfants', 'allocataires', 'adresse', 'Lucie', 'LILAS']) expect(JSON.stringify(body)).not.toContain(hidden);
  });

  it('sends derived answers only, with their rule, where the habilitation asks for them; never the raw value', async () => {
    const derived = await serviceProvider('sp-tranches', ['cnaf_quotient_familial', 'cnaf_enfants'], {
      cnaf_quotient_familial: { regle: 'seuil', seuil: 700 },
      cnaf_enfants: { regle: 'nombre', age_max: 12 },
    });
    const { tokens } = await transmit(derived, 'openid cnaf_quotient_familial cnaf_enfants');
    const body = (await (await api('/api/v1/justificatif', tokens.access_token)).json()) as { justificatif: JustificatifDocument };
    expect(body.justificatif.elements.map((element) => [element.scope, element.derivation, Object.keys(element.donnees ?? {})])).toEqual([
      ['cnaf_quotient_familial', { regle: 'seuil', seuil: 700 }, ['quotient_familial_seuil']],
      ['cnaf_enfants', { regle: 'nombre', age_max: 12 }, ['enfants_nombre']],
    ]);
    expect(body.justificatif.elements[0]?.donnees).toEqual({
      quotient_familial_seuil: { seuil: 700, inferieur_ou_egal: true, annee: 2026, mois: 10, fournisseur: 'CNAF' },
    });
    const v3 = (await (await api('/v3/dss/quotient_familial/france_connect', tokens.access_token)).json()) as {
      data: Record<string, unknown>;
      meta: { derivations?: unknown };
    };
    expect(Object.keys(v3.data).sort()).toEqual(['enfants_nombre', 'quotient_familial_seuil']);
    expect(v3.meta.derivations).toEqual({ cnaf_quotient_familial: { regle: 'seuil', seuil: 700 }, cnaf_enfants: { regle: 'nombre', age_max: 12 } });
    for (const raw of ['"valeur"', 'Lucie', 'date_naissance']) {
      expect(JSON.stringify(body), raw).not.toContain(raw);
      expect(JSON.stringify(v3), raw).not.toContain(raw);
    }
  });

  it('answers the v3-compatible routes in v3 shapes, and 403 for an API not transmitted', async () => {
    const { tokens } = await transmit(family, 'openid cnaf_quotient_familial cnaf_enfants complementaire_sante_solidaire');
    const qf = await api('/v3/dss/quotient_familial/france_connect', tokens.access_token);
    expect(qf.status).toBe(200);
    expect(qf.headers.get('content-type')).toContain('application/vnd.api+json');
    const qfBody = (await qf.json()) as { data: Record<string, unknown>; links: unknown; meta: unknown };
    expect(Object.keys(qfBody).sort()).toEqual(['data', 'links', 'meta']);
    expect(Object.keys(qfBody.data).sort()).toEqual(['enfants', 'quotient_familial']);
    expect(qfBody.data.quotient_familial).toEqual({ fournisseur: 'CNAF', valeur: 620, annee: 2026, mois: 10, annee_calcul: 2026, mois_calcul: 9 });
    const c2s = (await (await api('/v3/dss/complementaire_sante_solidaire/france_connect', tokens.access_token)).json()) as { data: unknown };
    expect(c2s.data).toEqual({ est_beneficiaire: true, avec_participation: false, date_debut_droit: '2026-02-01' });
    const cnous = await api('/v3/cnous/etudiant_boursier/france_connect', tokens.access_token);
    expect(cnous.status).toBe(403);
    expect(await cnous.json()).toEqual({
      errors: [
        {
          code: '00100',
          title: 'Privilèges insuffisants',
          detail: 'La personne n’a pas transmis ces informations à ce service.',
          source: null,
          meta: {},
        },
      ],
    });
  });

  it('answers errors in v3 form when the producer had no file (404) or did not answer (504)', async () => {
    const { tokens } = await transmit(family, 'openid cnaf_quotient_familial complementaire_sante_solidaire', 'jour_inconnu');
    const notFound = await api('/v3/dss/complementaire_sante_solidaire/france_connect', tokens.access_token);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { errors: Array<{ code: string; detail: string }> }).errors[0]).toMatchObject({
      code: '37003',
      detail: 'L’Assurance Maladie ne trouve pas de dossier à votre nom.',
    });
    expect((await api('/v3/dss/quotient_familial/france_connect', tokens.access_token)).status).toBe(200);
    const down = (await transmit(qfOnly, 'openid cnaf_quotient_familial', 'ne_en_corse_du_sud')).tokens;
    expect((await api('/v3/dss/quotient_familial/france_connect', down.access_token)).status).toBe(504);
  });

  it('refuses a missing, unknown, revoked or expired token in API Particulier format', async () => {
    const missing = await api('/api/v1/justificatif');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('00101');
    const unknown = await api('/api/v1/justificatif', 'x'.repeat(43));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('00103');

    const { tokens } = await transmit(qfOnly, 'openid cnaf_quotient_familial');
    await qfOnlyRevoke(tokens.access_token);
    // Revoked through the portal's own revocation endpoint: this node forgets the token at once.
    expect((await api('/api/v1/justificatif', tokens.access_token)).status).toBe(401);
    vi.useRealTimers();

    const fresh = (await transmit(qfOnly, 'openid cnaf_quotient_familial')).tokens;
    expect((await api('/api/v1/justificatif', fresh.access_token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11 * 60 * 1000 });
    expect((await api('/api/v1/justificatif', fresh.access_token)).status).toBe(401);
  });

  it('answers unknown API paths in JSON, and publishes OpenAPI 3.1 and a documentation page', async () => {
    const unknown = await api('/api/v2/nulle-part');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe('00404');
    const openapi = (await (await api('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/justificatif',
        '/v3/dss/quotient_familial/france_connect',
        '/v3/cnous/etudiant_boursier/france_connect',
        '/v3/mesri/statut_etudiant/france_connect',
      ]),
    );
    const docs = await fetch(`${stack.portalUrl}/api/documentation`);
    expect(docs.status).toBe(200);
    const docsText = textOf(await docs.text());
    expect(docsText).toContain('GET /v3/dss/complementaire_sante_solidaire/france_connect');
    for (const heading of [
      '00410 — Justificatif retiré (HTTP 410)',
      '00503 — Service momentanément indisponible (HTTP 503)',
      '00101 — Interdit (HTTP 401)',
    ])
      expect(docsText).toContain(heading);
    expect(docsText).toContain('"retire_le": "2026-12-01T09:30:00.000Z"');
  });
});

describe('data at rest', () => {
  it('keeps justificatifs encrypted, and drops previewed data once the citizen refuses', async () => {
    await transmit(qfOnly, 'openid cnaf_quotient_familial');
    const cipher = createDataCipher(Buffer.from(stack.config.dataEncryptionKey, 'base64url'));
    const rows = await db.selectFrom('justificatif').select(['id', 'sealed']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.sealed).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(row.sealed).not.toMatch(/quotient_familial|DUBOIS/);
      expect(cipher.decrypt(row.sealed ?? '', { table: 'justificatif', column: 'sealed', row: row.id })).toMatch(/^eyJ/);
    }

    const browser = new TestBrowser();
    const { url } = await qfOnly.authorizationUrl('openid cnaf_quotient_familial');
    const previewPage = await preview(browser, await reachConsentPage(browser, url, SP_ORIGIN, 'ne_en_corse'));
    const sessions = async () =>
      (await db.selectFrom('session').select(['sid', 'data']).execute()).map((row) =>
        cipher.decrypt(row.data, { table: 'session', column: 'data', row: row.sid }),
      );
    expect((await sessions()).some((data) => data.includes('SANTUCCI') && data.includes('"previews"') && data.includes('"valeur":410'))).toBe(true);
    const decision = formWithAction(previewPage.body, /\/decision$/);
    await browser.visit(new URL(decision.action, previewPage.url), { form: { ...decision.fields, decision: 'refuser' } });
    expect((await sessions()).some((data) => data.includes('"valeur":410'))).toBe(false);
  });

  it('keeps no code, token or session id in clear: rows are keyed by their digest, payloads sealed to their row', async () => {
    const { tokens, browser } = await transmit(qfOnly, 'openid cnaf_quotient_familial');
    const rows = await db.selectFrom('oidc_payload').selectAll().execute();
    const secrets = [tokens.access_token, browser.cookieValue(new URL(stack.portalUrl).hostname, 'pp_session') ?? 'sans session'];
    for (const secret of secrets) {
      expect(rows.some((row) => row.id === secret || row.uid === secret || row.payload.includes(secret))).toBe(false);
      expect(rows.some((row) => row.id === tokenDigest(secret))).toBe(true);
    }
    expect(rows.every((row) => /^v2\./.test(row.payload) && !row.payload.includes(tokens.access_token.slice(0, 12)))).toBe(true);
    expect((await api('/api/v1/justificatif', tokens.access_token)).status).toBe(200);

    // A payload copied over another row of the same model no longer opens: the token it lands on stops working.
    const token = rows.find((row) => row.id === tokenDigest(tokens.access_token));
    const other = rows.find((row) => row.model === 'AccessToken' && row.id !== token?.id);
    expect(other).toBeDefined();
    await db
      .updateTable('oidc_payload')
      .set({ payload: other?.payload ?? '' })
      .where('id', '=', token?.id ?? '')
      .execute();
    pastLookupBound();
    expect((await api('/api/v1/justificatif', tokens.access_token)).status).toBe(401);
  });
});

async function qfOnlyRevoke(accessToken: string) {
  const client = await db.selectFrom('service_provider').select('client_id').where('client_id', '=', 'sp-quotient').executeTakeFirstOrThrow();
  const { secret: rotated } = await registry.rotateSecret(client.client_id);
  pastLookupBound();
  const response = await fetch(`${stack.config.authorization.issuer}/token/revocation`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`sp-quotient:${rotated}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
  });
  expect(response.status).toBe(200);
  qfOnly = await serviceProviderClient(stack.config.authorization.issuer, 'sp-quotient', { secret: rotated }, `${SP_ORIGIN}/callback`);
}
