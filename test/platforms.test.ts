import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { startLocalFranceConnect } from '../src/dev/local-upstreams.js';
import { type OpenPort, openPort } from '../src/http/listen.js';
import { createLogger } from '../src/http/logger.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf } from './helpers/html.js';
import { submitFranceConnectLogin } from './helpers/journeys.js';
import { consentForm, decide, preview, serviceProviderClient } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

// The test platform of this deployment: a second local FranceConnect, and a data provider that never answers, so that
// what a service in « bac à sable » gets visibly comes from there and not from production's upstreams.
let testFranceConnect: OpenPort;
let stack: Stack;
let db: Kysely<Database>;
const SP_ORIGIN = 'http://localhost:4993';
const SIRET = '21999999900044';

beforeAll(async () => {
  testFranceConnect = await openPort('127.0.0.1', 0);
  stack = await startStack({ TEST_FC_ISSUER: `${testFranceConnect.origin}/api/v2`, TEST_API_PARTICULIER_URL: 'http://127.0.0.1:9' });
  const { testPlatform } = stack.config;
  if (testPlatform === undefined) throw new Error('plateforme de test absente');
  await startLocalFranceConnect(
    { ...stack.config, franceconnect: testPlatform.franceconnect },
    createLogger('silent'),
    testFranceConnect,
    stack.sandboxUrl,
  );
  db = openDatabase(stack.config.database);
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: SIRET, name: 'Commune de Bois-Joli' });
  for (const [clientId, environment] of [
    ['loisirs-essai', 'bac_a_sable'],
    ['loisirs', 'production'],
  ] as const) {
    await registry.createServiceProvider({
      siret: SIRET,
      clientId,
      displayName: 'Commune de Bois-Joli',
      procedureName: 'Tarif du centre de loisirs',
      redirectUris: [`${SP_ORIGIN}/retour`],
      clientSecret: `secret-de-${clientId}-0123456789abcdefghijklmnop`,
      environment,
    });
    await registry.grantHabilitation({
      clientId,
      scopes: ['cnaf_quotient_familial'],
      purpose: 'Calculer le tarif du centre de loisirs selon le quotient familial.',
      legalBasis: 'Délibération du conseil municipal',
      legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367425',
      retentionDays: 90,
      validUntil: addMonths(Date.now(), 6),
    });
  }
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
  await testFranceConnect.close();
});

const client = (clientId: string) =>
  serviceProviderClient(
    stack.config.authorization.issuer,
    clientId,
    { secret: `secret-de-${clientId}-0123456789abcdefghijklmnop` },
    `${SP_ORIGIN}/retour`,
  );

describe('a service in « bac à sable » is served by the test platform, production by its own', () => {
  it('signs the citizen in at the test FranceConnect and asks the test data provider, and never carries that sign-in over to production', async () => {
    const citizen = new TestBrowser();
    const sandbox = await (await client('loisirs-essai')).authorizationUrl('openid cnaf_quotient_familial');
    const requestPage = await citizen.visit(sandbox.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(requestPage.body).toContain('data-testid="bac-a-sable"');
    const signIn = formWithAction(requestPage.body, /^\/demande\/[^/]+\/franceconnect$/);
    const testLogin = await citizen.visit(new URL(signIn.action, requestPage.url), { form: signIn.fields });
    expect(testLogin.url.origin).toBe(testFranceConnect.origin);
    const consentPage = await submitFranceConnectLogin(citizen, testLogin, 'test');
    expect(consentForm(consentPage).previewUrl.pathname).toMatch(/\/apercu$/);
    // The test platform's data provider does not answer: the preview says so, whatever production's would have said.
    const previewed = await preview(citizen, consentPage);
    expect(previewed.body).toContain('data-testid="bac-a-sable"');
    expect(textOf(previewed.body)).toContain('Votre quotient familial Service indisponible La CAF ou la MSA ne répond pas en ce moment.');

    // Production: the sign-in made at the test FranceConnect does not count; production's FranceConnect asks again.
    const live = await client('loisirs');
    const production = await live.authorizationUrl('openid cnaf_quotient_familial');
    const productionRequest = await citizen.visit(production.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(productionRequest.body).not.toContain('data-testid="bac-a-sable"');
    const productionSignIn = formWithAction(productionRequest.body, /^\/demande\/[^/]+\/franceconnect$/);
    const productionLogin = await citizen.visit(new URL(productionSignIn.action, productionRequest.url), { form: productionSignIn.fields });
    expect(productionLogin.url.origin).toBe(new URL(stack.fcIssuer).origin);
    const productionConsent = await submitFranceConnectLogin(citizen, productionLogin, 'test');
    const { callback } = await decide(citizen, productionConsent, 'transmettre', SP_ORIGIN);
    expect((await live.redeem(callback, production.checks)).scope).toBe('openid cnaf_quotient_familial');
    // And back to the service in « bac à sable »: its own sign-in again, at the test FranceConnect.
    const again = await (await client('loisirs-essai')).authorizationUrl('openid cnaf_quotient_familial');
    const sandboxAgain = await citizen.visit(again.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(sandboxAgain.body).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
    // Signed in there, the citizen signs out there.
    const signInAgain = formWithAction(sandboxAgain.body, /^\/demande\/[^/]+\/franceconnect$/);
    await submitFranceConnectLogin(citizen, await citizen.visit(new URL(signInAgain.action, sandboxAgain.url), { form: signInAgain.fields }), 'test');
    const home = await citizen.visit(stack.portalUrl);
    const signOut = formWithAction(home.body, '/deconnexion');
    const logout = await citizen.visit(new URL(signOut.action, stack.portalUrl), { form: signOut.fields });
    expect(logout.url.origin).toBe(testFranceConnect.origin);
  });
});
