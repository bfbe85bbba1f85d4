import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failingQueries, temporaryDatabase, touches } from '../../test/helpers/database.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../http/logger.js';
import { addMonths } from '../registry/habilitation.js';
import { createRegistry } from '../registry/registry.service.js';
import { composeApp } from '../server.js';
import { sessionTtl, TTL } from './authorization-server.js';

const { db, url, directory, remove } = await temporaryDatabase();
const queries = failingQueries();
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: url,
  FC_ISSUER: 'http://127.0.0.1:9/api/v2',
  JOURNAL_ANCHOR_FILE: `${directory}/journal-anchors.jsonl`,
  CLIENT_AUTH_FAILURES_PER_MINUTE: '3',
  // Behind one proxy: X-Forwarded-For tells the limit's test its own address apart from the other tests'.
  TRUST_PROXY: '1',
});
const logs: Array<{ level: number; msg: string }> = [];
const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
const { app, purgeTimer } = await composeApp(config, db.withPlugin(queries.plugin), logger);
purgeTimer.stop();

const CLIENT_ID = 'sp-mediatheque';
const REDIRECT_URI = 'http://localhost:4997/retour';
let clientSecret = '';

const authorizePath = (clientId = CLIENT_ID) =>
  `/oidc/auth?${new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid cnaf_quotient_familial',
    state: 'etat-mediatheque',
    nonce: 'nonce-mediatheque',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  })}`;

/** The service provider's back-channel call, with a code that was never issued. */
const exchangeUnknownCode = () =>
  request(app)
    .post('/oidc/token')
    .auth(CLIENT_ID, clientSecret)
    .type('form')
    .send({ grant_type: 'authorization_code', code: 'code-inconnu', redirect_uri: REDIRECT_URI, code_verifier: 'v'.repeat(43) });

beforeAll(async () => {
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: '21330063500017', name: 'Médiathèque de Lormont-sur-Garonne' });
  const created = await registry.createServiceProvider({
    siret: '21330063500017',
    clientId: CLIENT_ID,
    displayName: 'Médiathèque de Lormont-sur-Garonne',
    procedureName: 'Carte de lecteur à tarif réduit',
    redirectUris: [REDIRECT_URI],
  });
  clientSecret = created.clientSecret ?? '';
  await registry.grantHabilitation({
    clientId: CLIENT_ID,
    scopes: ['cnaf_quotient_familial'],
    purpose: 'Appliquer le tarif réduit de la carte de lecteur selon le quotient familial.',
    legalBasis: 'Délibération du conseil municipal',
    legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367425',
    retentionDays: 30,
    validUntil: addMonths(Date.now(), 6),
  });
});
afterEach(() => {
  queries.restore();
  logs.length = 0;
});
afterAll(remove);

describe('the authorization server’s session', () => {
  it('slides by its idle time but never outlives the absolute lifetime counted from the sign-in', () => {
    const now = 2_000_000_000;
    const twelveHours = 12 * 3600;
    expect(sessionTtl(undefined, twelveHours, now)).toBe(TTL.Session);
    expect(sessionTtl(now - 60, twelveHours, now)).toBe(TTL.Session);
    expect(sessionTtl(now - twelveHours + 600, twelveHours, now)).toBe(600);
    expect(sessionTtl(now - twelveHours - 5, twelveHours, now)).toBe(1);
  });
});

describe('client authentication at the token endpoint', () => {
  it('answers 429 after too many failed authentications from one address, without counting successful ones', async () => {
    const attempt = (secret: string) =>
      request(app)
        .post('/oidc/token')
        .set('x-forwarded-for', '203.0.113.9')
        .auth(CLIENT_ID, secret)
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'code-inconnu', redirect_uri: REDIRECT_URI, code_verifier: 'v'.repeat(43) });
    // Right secret, unknown code: 400 invalid_grant, not a failed authentication.
    for (let n = 0; n < 5; n += 1) expect((await attempt(clientSecret)).status).toBe(400);
    for (let n = 0; n < 3; n += 1) expect((await attempt('mauvais-secret')).body).toMatchObject({ error: 'invalid_client' });
    const limited = await attempt('mauvais-secret');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.body).toMatchObject({ error: 'temporarily_unavailable' });
  });
});

describe('a service in « bac à sable »', () => {
  it('is served where a test platform is, and refused with a page, before any sign-in, where there is none', async () => {
    const registry = createRegistry(db, { allowLocalHttp: true });
    await registry.createServiceProvider({
      siret: '21330063500017',
      clientId: 'sp-essai',
      displayName: 'Médiathèque de Lormont-sur-Garonne',
      procedureName: 'Carte de lecteur (essai)',
      redirectUris: [REDIRECT_URI],
      environment: 'bac_a_sable',
    });
    await registry.grantHabilitation({
      clientId: 'sp-essai',
      scopes: ['cnaf_quotient_familial'],
      purpose: 'Essayer le tarif réduit de la carte de lecteur selon le quotient familial.',
      legalBasis: 'Délibération du conseil municipal',
      legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367425',
      retentionDays: 30,
      validUntil: addMonths(Date.now(), 6),
    });
    const served = await request(app).get(authorizePath('sp-essai')).set('accept', 'text/html');
    expect(served.status).toBe(303);
    expect(served.headers.location).toMatch(/\/demande\//);
    const { app: withoutTestPlatform, purgeTimer: stop } = await composeApp({ ...config, testPlatform: undefined }, db, logger);
    stop.stop();
    const refused = await request(withoutTestPlatform).get(authorizePath('sp-essai')).set('accept', 'text/html');
    expect(refused.status).toBe(403);
    expect(refused.headers.location).toBeUndefined();
    expect(refused.text).toContain('Médiathèque de Lormont-sur-Garonne est en bac à sable : il ne fonctionne pas ici');
    expect(refused.text).toContain('Erreur DEMANDE-006');
    // Production's services are served there as anywhere.
    expect((await request(withoutTestPlatform).get(authorizePath()).set('accept', 'text/html')).status).toBe(303);
  });
});

describe('an authorization request oidc-provider cannot read', () => {
  it('answers a POST without a form body (JSON, or nothing) with the French page of a faulty request, not a 500', async () => {
    const json = await request(app).post('/oidc/auth').set('accept', 'text/html').send({ client_id: CLIENT_ID });
    expect(json.status).toBe(400);
    expect(json.text).toContain('<html lang="fr"');
    const empty = await request(app).post('/oidc/auth').set('accept', 'text/html');
    expect(empty.status).toBe(400);
  });
});

describe('the authorization server when its database cannot be reached', () => {
  it('shows the person the French 503 page to try again, instead of sending them back to the service with an error', async () => {
    queries.fail(touches('oidc_payload'));
    const response = await request(app).get(authorizePath()).set('accept', 'text/html');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toContain('Service momentanément indisponible');
    expect(response.text).toContain('Erreur HTTP-503');
    expect(response.text).toContain('Pour savoir si votre accord a été enregistré, ouvrez « Mon espace »');
    // For the operators, an outage of ours at error level, not a refused request.
    expect(logs.filter((line) => line.msg === 'base de données injoignable').map((line) => line.level)).toEqual([50]);
    expect(logs.some((line) => line.msg === 'demande d’autorisation refusée')).toBe(false);

    queries.restore();
    const retried = await request(app).get(authorizePath()).set('accept', 'text/html');
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toMatch(/^\/demande\//);
  });

  it('answers a service provider’s back-channel call 503 temporarily_unavailable in JSON, with Retry-After', async () => {
    queries.fail(touches('oidc_payload'));
    const response = await exchangeUnknownCode();
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });

    queries.restore();
    const retried = await exchangeUnknownCode();
    expect(retried.status).toBe(400);
    expect(retried.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 503 when saving an existing session fails, although oidc-provider retries that save after its own error handling', async () => {
    const agent = request.agent(app);
    expect((await agent.get('/oidc/session/end').set('accept', 'text/html')).status).toBe(200);
    queries.fail(touches('oidc_payload', 'InsertQueryNode'));
    const response = await agent.get('/oidc/session/end').set('accept', 'text/html');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.text).toContain('Service momentanément indisponible');
    expect(logs.some((line) => line.msg === 'base de données injoignable' && line.level === 50)).toBe(true);
  });

  it('still shows a genuine failure as the 500 page, not as a faulty request', async () => {
    queries.fail(touches('oidc_payload'), 'column "payload" does not exist');
    const response = await request(app).get(authorizePath()).set('accept', 'text/html');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Erreur inattendue');
  });
});
