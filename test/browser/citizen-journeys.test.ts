/// <reference lib="dom" />

import jsQRModule from 'jsqr';
import type { Kysely } from 'kysely';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';

import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { addMonths } from '../../src/registry/habilitation.js';
import { createRegistry } from '../../src/registry/registry.service.js';
import {
  clearScreenshots,
  dateInputFormat,
  describeInChromium,
  expectErrorsAnnounced,
  expectLogicalTabOrder,
  Journey,
  launchChromium,
  tabSequence,
  tabTo,
  WIDTHS,
} from '../helpers/chromium.js';
import { BOIS_JOLI_REQUEST } from '../helpers/habilitation-request.js';
import { chromiumSteps } from '../helpers/journeys.js';
import { serviceProviderClient, type TestServiceProvider } from '../helpers/service-provider.js';
import { type Stack, startStack } from '../helpers/stack.js';

// jsqr is CommonJS whose types declare an ES default export: under NodeNext the import is the module object.
const jsQR = jsQRModule.default;
// A bound, not a measure: a journey at 1280 px with JavaScript took up to 69 s in a clean CI run and 90 s in one where the
// 2-core machine was busier; a journey that hangs still fails.
const JOURNEY_TIMEOUT = 180_000;
/** The seeded organisation, whose administrator is the local ProConnect's admin.cantine. */
const SEEDED_SIRET = '21999999900010';

describeInChromium('citizen and agent journeys in Chromium, axe-clean at 1280 and 320 px, with and without JavaScript', () => {
  let stack: Stack;
  let browser: Browser;
  let db: Kysely<Database>;
  /** A service asking for items that need the consent page's extra inputs (France Travail login, pupil). */
  let extraInputsService: TestServiceProvider;
  let steps: ReturnType<typeof chromiumSteps>;

  beforeAll(async () => {
    stack = await startStack();
    steps = chromiumSteps(stack);
    browser = await launchChromium();
    clearScreenshots();
    db = openDatabase(stack.config.database);
    const registry = createRegistry(db, { allowLocalHttp: true });
    const redirectUri = 'http://localhost:4998/callback';
    const { clientSecret } = await registry.createServiceProvider({
      siret: SEEDED_SIRET,
      clientId: 'navigateur-saisies',
      displayName: 'Mairie d’Exempleville',
      procedureName: 'Aide aux familles',
      redirectUris: [redirectUri],
    });
    await registry.grantHabilitation({
      clientId: 'navigateur-saisies',
      scopes: ['pole_emploi_paiements', 'men_statut_boursier'],
      purpose: 'Accorder l’aide aux familles selon la situation de l’élève et de ses parents.',
      legalBasis: 'Délibération du conseil municipal',
      legalReference: 'CRPA, article L114-8',
      retentionDays: 30,
      validUntil: addMonths(Date.now(), 6),
    });
    extraInputsService = await serviceProviderClient(
      stack.config.authorization.issuer,
      'navigateur-saisies',
      { secret: clientSecret ?? '' },
      redirectUri,
    );
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await db?.destroy();
    await stack?.stop();
  });

  const setSourceDown = (down: boolean) =>
    fetch(
      `${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`,
      down ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"status":503}' } : { method: 'DELETE' },
    );

  it(
    'completes the consent journey with the keyboard only, focus always visible and in a logical order',
    async () => {
      const journey = await Journey.open(browser, 'clavier', 1280, stack.portalUrl);
      const { page } = journey;
      await page.goto(stack.demoSpUrl);
      await tabTo(page, /avec mon quotient familial/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${stack.portalUrl}/demande/**`);
      await tabTo(page, /S’identifier avec FranceConnect|FranceConnect/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${steps.fcOrigin}/**`);
      await tabTo(page, '#login');
      await page.keyboard.type('test');
      await page.keyboard.press('Tab');
      await page.keyboard.type('123');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${stack.portalUrl}/demande/**`);
      expectLogicalTabOrder(await tabSequence(page), /^Voir les données qui seront transmises$/, `consentement (${page.url()})`);
      await tabTo(page, /Voir les données qui seront transmises/);
      const preview = page.waitForEvent('framenavigated');
      await page.keyboard.press('Space');
      await preview;
      await page.getByRole('heading', { level: 1 }).waitFor();
      expectLogicalTabOrder(await tabSequence(page), /^Transmettre mes données$/, `aperçu (${page.url()})`);
      await tabTo(page, /Transmettre mes données/);
      await page.keyboard.press('Space');
      await page.waitForURL(/\/fin$/);
      await tabTo(page, /Continuer sur le site/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${stack.demoSpUrl}/**`);
      expect(await page.getByTestId('quotient-familial').textContent()).toMatch(/se situe dans la tranche « plus de 450/);
      expect(journey.problems).toEqual([]);
      await journey.close();
    },
    JOURNEY_TIMEOUT,
  );

  for (const width of WIDTHS) {
    for (const javaScriptEnabled of [true, false]) {
      const mode = javaScriptEnabled ? 'with JavaScript' : 'with JavaScript disabled';
      const open = (name: string) => Journey.open(browser, name, width, stack.portalUrl, javaScriptEnabled);

      it(
        `transmits the data, brings the citizen back to the service, which signs them out of the portal (${width} px, ${mode})`,
        async () => {
          const journey = await open('transmission');
          await steps.reachConsent(journey);
          await steps.transmit(journey);
          expect(await journey.page.getByTestId('quotient-familial').textContent()).toMatch(/se situe dans la tranche « plus de 450/);
          await steps.serviceSignOut(journey);
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `shows the share in the citizen space, with its receipt, withdraws it, and signs out on an audited FranceConnect logout page (${width} px, ${mode})`,
        async () => {
          const journey = await open('mon-espace');
          const { page } = journey;
          await steps.reachConsent(journey);
          await steps.transmit(journey);
          await page.goto(`${stack.portalUrl}/mon-espace`);
          await journey.check('liste');
          await page.locator('.fr-card a').first().click();
          await journey.check('transmission');
          await page.getByRole('link', { name: /reçu/i }).first().click();
          await journey.check('recu');
          await page.goBack();
          await page.getByRole('link', { name: 'Retirer mes informations' }).click();
          await journey.check('retrait');
          await page.getByRole('button', { name: 'Oui, retirer mes informations' }).click();
          await page.waitForURL(/retrait=ok/);
          await journey.check('retire');
          expect(await page.locator('h1').textContent()).toContain('Retirée');
          expect(await page.getByRole('status').textContent()).toContain('Vos informations ont été retirées le');
          const reference = /\/(PP-[^/?]+)/.exec(page.url())?.[1] ?? '';
          expect(reference).toMatch(/^PP-/);
          // The town heard of it without reading anything: its files say so.
          const file = page.locator('[data-etat="retire"]', { hasText: `Justificatif ${reference}` });
          await expect
            .poll(async () => {
              await page.goto(`${stack.demoSpUrl}/dossiers`);
              return file.count();
            })
            .toBe(1);
          await journey.check('fs-dossiers');
          await page.goto(`${stack.portalUrl}/mon-espace`);
          await steps.signOut(journey, 'citoyen', { audit: true });
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `lets an agent find, open and print the justificatif, verify it, and sign out (${width} px, ${mode})`,
        async () => {
          const citizen = await open('agent-prealable');
          await steps.reachConsent(citizen);
          await steps.transmit(citizen);
          await citizen.close();

          const journey = await open('agent');
          const { page } = journey;
          await steps.signInAgent(journey, 'agent.cantine');
          await journey.check('justificatifs');
          // The search's date fields read in French order, as the agents' hint and their habits expect.
          expect(await dateInputFormat(page, 'du'), 'champ date : Chromium sans chromium-l10n (langue française) ?').toBe('jj/mm/aaaa');
          // Angela DUBOIS, found as an agent types her: lower case, no accent.
          await page.getByLabel(/Nom, date de naissance ou numéro/).fill('dubois');
          await page.getByRole('button', { name: 'Rechercher' }).click();
          await page.waitForURL(/recherche=dubois/);
          await journey.check('recherche');
          const found = page.locator('tr[data-reference]').first();
          expect(await found.textContent()).toContain('Angela Claire Louise DUBOIS');
          expect(await found.textContent()).toContain('24/08/1962');
          const download = page.waitForEvent('download');
          await page.getByRole('link', { name: /Exporter cette liste \(CSV/ }).click();
          expect((await download).suggestedFilename()).toMatch(/^justificatifs-\d{4}-\d{2}-\d{2}\.csv$/);
          await found.getByRole('link', { name: /Consulter/ }).click();
          await journey.check('justificatif');
          const reference = /PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await page.locator('h1').textContent()) ?? '')?.[0];
          expect(reference).toBeDefined();
          await page.getByRole('link', { name: /Imprimer/ }).click();
          await journey.check('impression');
          expect(await page.getByTestId('reference').textContent()).toBe(reference);
          // The print button shows with JavaScript; the paper carries the person and a QR code for /verifier.
          expect(await page.getByRole('button', { name: 'Imprimer' }).isVisible()).toBe(journey.javaScriptEnabled);
          expect(await page.getByTestId('citizen-birthdate').textContent()).toContain('24/08/1962');
          await page.emulateMedia({ media: 'print' });
          expect(await page.getByRole('link', { name: 'Retour au justificatif' }).isVisible()).toBe(false);
          await page.emulateMedia({ media: 'screen' });
          const qr = PNG.sync.read(await page.getByTestId('qr-code').locator('svg').screenshot());
          const decoded = jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height)?.data;
          expect(decoded).toBe(`${stack.portalUrl}/verifier?numero=${reference}`);
          // The verifier reads the number however it is typed.
          await page.goto(`${stack.portalUrl}/verifier`);
          await page.getByLabel(/Numéro du justificatif/).fill((reference ?? '').toLowerCase().replaceAll('-', ' '));
          await page.getByRole('button', { name: 'Vérifier' }).click();
          await page.waitForURL(/numero=/);
          await journey.check('verification');
          expect(await page.getByRole('status').textContent()).toContain('Ce justificatif est authentique.');
          expect(await page.getByTestId('verification-details').textContent()).toContain('A. C. L. D.');
          await page.goto(decoded ?? '');
          expect(await page.getByRole('status').textContent()).toContain('Ce justificatif est authentique.');
          await page.goto(`${stack.portalUrl}/agents/notifications`);
          await journey.check('notifications');
          await page.goto(`${stack.portalUrl}/statistiques`);
          await journey.check('statistiques');
          await steps.signOut(journey, 'agent');
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `lets a service ask for its habilitation, an instructor approve it, and the service see its secret once (${width} px, ${mode})`,
        async () => {
          const journey = await open('habilitation');
          const { page } = journey;
          await steps.signInProConnect(journey, '/fournisseurs', 'fs.boisjoli');
          await journey.check('fournisseurs');
          await page.getByRole('link', { name: 'Demander une habilitation' }).click();
          await journey.check('demande-habilitation');
          await page.locator('#intitule').fill('Tarif du centre de loisirs');
          await page.getByRole('button', { name: 'Soumettre la demande' }).click();
          await journey.check('demande-habilitation-erreurs');
          expect(await page.getByRole('alert').textContent()).toContain('Des informations sont à corriger');
          for (const [name, value] of Object.entries(BOIS_JOLI_REQUEST)) await page.locator(`#${name}`).fill(value);
          await page.locator('label[for="cnaf_quotient_familial"]').click();
          await page.getByRole('button', { name: 'Soumettre la demande' }).click();
          await page.waitForURL(/soumise=1/);
          await journey.check('demande-soumise');
          const number =
            (
              await page
                .locator('main p')
                .filter({ hasText: /^Demande DH-/ })
                .first()
                .textContent()
            )?.match(/DH-[0-9A-Z-]+/)?.[0] ?? '';

          const instructor = await open('instruction');
          await steps.signInProConnect(instructor, '/instruction', 'instructeur');
          await instructor.check('file');
          await instructor.page.locator(`[data-numero="${number}"] a`).click();
          await instructor.check('instruction-demande');
          await instructor.page.locator('label[for="decision-validee"]').click();
          await instructor.page.getByRole('button', { name: 'Enregistrer la décision' }).click();
          await instructor.page.waitForURL(/decision=1/);
          await instructor.check('instruction-decidee');
          expect(instructor.problems).toEqual([]);
          await instructor.close();

          await page.reload();
          expect(await page.getByTestId('etat').textContent()).toBe('Validée');
          await page.getByRole('button', { name: 'Afficher le secret une seule fois' }).click();
          await journey.check('secret');
          expect(await page.getByTestId('secret').textContent()).toMatch(/^[\w-]{43}$/);
          // The service's page: its credentials, renewed with an overlap, and its activity.
          const clientId = await page.getByTestId('client-id').textContent();
          await page.goto(`${stack.portalUrl}/fournisseurs`);
          await page.locator(`a[href="/fournisseurs/services/${clientId}"]`).click();
          await journey.check('service');
          await page.getByRole('button', { name: 'Renouveler le secret' }).click();
          await journey.check('secret-renouvele');
          expect(await page.getByTestId('ancien-secret').textContent()).toMatch(/^L’ancien secret fonctionne encore jusqu’au/);
          // The incomplete submission answered 400, as meant; nothing else failed.
          expect(journey.problems.filter((problem) => !/\b400\b/.test(problem))).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `keeps the other pages clean: errors, administrators' pages, public pages, audited ProConnect logout page (${width} px, ${mode})`,
        async () => {
          const journey = await open('autres-pages');
          const { page } = journey;
          await page.goto(`${stack.portalUrl}/page-qui-n-existe-pas`);
          await journey.check('erreur-404');
          expect(await page.locator('h1').textContent()).toContain('Page non trouvée');
          await page.goto(`${stack.portalUrl}/verifier?numero=PP-2026-AAAA-BBBB`);
          await journey.check('verification-inconnu');
          // The result is announced to screen readers as soon as the page shows it.
          expect(await page.getByRole('alert').textContent()).toContain('Nous ne trouvons pas ce justificatif.');
          await page.goto(`${stack.portalUrl}/mon-espace`);
          await journey.check('mon-espace-connexion');
          await page.goto(`${stack.portalUrl}/api/documentation`);
          await journey.check('documentation-api');
          // The footer's information pages.
          for (const path of ['/plan-du-site', '/accessibilite', '/mentions-legales', '/donnees-personnelles', '/aide']) {
            await page.goto(`${stack.portalUrl}${path}`);
            await journey.check(path.slice(1));
          }

          await steps.signInAgent(journey, 'admin.cantine');
          await page.goto(`${stack.portalUrl}/agents/equipe`);
          await journey.check('equipe');
          const team = await db.selectFrom('agent').select(['id', 'email']).execute();
          await page.goto(`${stack.portalUrl}/agents/equipe/${team.find((member) => member.email.startsWith('camille'))?.id}/role`);
          await journey.check('changement-de-role');
          await page.goto(`${stack.portalUrl}/agents/tableau-de-bord`);
          await journey.check('tableau-de-bord');
          await page.goto(`${stack.portalUrl}/agents/journal`);
          await journey.check('journal');
          await page.getByLabel('Événement').selectOption({ label: 'Consultation d’un justificatif' });
          await page.getByRole('button', { name: 'Filtrer' }).click();
          await page.waitForURL(/evenement=agent\.view/);
          await journey.check('journal-filtre');
          await steps.signOut(journey, 'agent', { audit: true });
          // 404 and 401 are these pages' intended statuses; no other failure is expected.
          expect(journey.problems.filter((problem) => !/\b(404|401)\b/.test(problem))).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `refuses, and the service is told so (${width} px, ${mode})`,
        async () => {
          const journey = await open('refus');
          const { page } = journey;
          await steps.reachConsent(journey);
          await page.getByRole('button', { name: 'Ne pas transmettre' }).click();
          await page.waitForURL(/\/fin$/);
          await journey.check('fin');
          await expect.poll(() => page.locator('main').textContent()).toMatch(/aucune information|n’avez pas transmis|refus/i);
          await page.getByRole('link', { name: /Continuer sur le site/ }).click();
          await page.waitForURL(`${stack.demoSpUrl}/**`);
          await journey.check('fs-refus');
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `asks with the FranceConnect token and, the CAF silent, the service prices the meal from the tax figures (${width} px, ${mode})`,
        async () => {
          const journey = await open('franceconnect');
          const { page } = journey;
          // Léon ROY: his CAF answers in error; the DGFiP gives his revenu fiscal de référence and his parts.
          await steps.reachConsent(journey, 'prenom_unique', 'franceconnect');
          await steps.openPreview(journey);
          expect(await page.getByTestId('via').first().textContent()).toContain('Obtenu avec votre connexion FranceConnect');
          await steps.transmitFromPreview(journey);
          expect(await page.getByTestId('quotient-municipal').textContent()).toMatch(/760\s€/);
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `guides a person the CAF does not recognise to the retry that finds her, and says the bracket alone leaves (${width} px, ${mode})`,
        async () => {
          const journey = await open('reconnaissance');
          const { page } = journey;
          await steps.reachConsent(journey, 'prenoms_a_l_etranger');
          // Before anything is fetched: what alone the town will learn.
          expect(await page.locator('main').textContent()).toContain('saura seulement dans quelle tranche est votre quotient familial');
          await page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
          await journey.check('apercu-non-reconnue');
          expect(await page.getByTestId('recovery-quotient_familial').textContent()).toContain('Vous êtes né(e) hors de France');
          await page.getByRole('button', { name: 'Réessayer avec votre premier prénom seulement' }).click();
          await page.waitForURL(/\/apercu$/);
          await journey.check('apercu-reconnue');
          expect(await page.getByTestId('derived-cnaf_quotient_familial').textContent()).toContain('dans la tranche 450–800');
          expect(await page.getByTestId('household').textContent()).toContain('Ces informations concernent aussi : Inès MANSOURI.');
          expect(journey.problems).toEqual([]);
          await journey.close();
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `with the source down, says so on the preview and the service offers another way (${width} px, ${mode})`,
        async () => {
          await setSourceDown(true);
          try {
            const journey = await open('source-en-panne');
            await steps.reachConsent(journey);
            await journey.page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
            await journey.check('apercu');
            expect(await journey.page.locator('main').textContent()).toMatch(/pas pu être obtenu|indisponible|ne répond pas/i);
            const main = journey.page.locator('main');
            expect(await main.textContent()).toContain('Nous n’avons obtenu aucune information');
            expect(await main.textContent()).not.toMatch(/gardera|Vous allez transmettre/);
            await journey.page.getByRole('button', { name: /^Dire à .* qu’aucune information n’a été obtenue$/ }).click();
            await journey.page.waitForURL(/\/fin$/);
            await journey.check('fin');
            expect(await main.textContent()).toContain('Aucune donnée n’a été envoyée');
            expect(await main.textContent()).not.toMatch(/C’est fait|peut maintenant recevoir/);
            const number = (await journey.page.getByTestId('reference').textContent())?.trim() ?? '';
            expect(number).toMatch(/^PP-/);
            await journey.page.getByRole('link', { name: /Continuer sur le site/ }).click();
            await journey.page.waitForURL(`${stack.demoSpUrl}/**`);
            await journey.check('fs-resultat');
            expect(await journey.page.locator('main').textContent()).toContain('Aucune information n’a pu être obtenue');
            expect(await journey.page.locator('main').textContent()).not.toMatch(/Informations reçues|Votre tarif/);
            // Nowhere else either: Mon espace and the agents' list say the same of this transmission, by its number.
            await journey.page.goto(`${stack.portalUrl}/mon-espace`);
            await journey.check('mon-espace');
            const card = journey.page.locator(`[data-reference="${number}"]`);
            expect(await card.getByTestId('etat').textContent()).toBe('Aucune information obtenue');
            expect(await card.textContent()).not.toMatch(/Transmises :/);
            await steps.signInAgent(journey, 'agent.cantine');
            const row = journey.page.locator(`[data-reference="${number}"]`);
            expect(await row.textContent()).toContain('Aucune information');
            expect(await row.textContent()).not.toMatch(/Complet|Partiel/);
            expect(journey.problems).toEqual([]);
            await journey.close();
          } finally {
            await setSourceDown(false);
          }
        },
        JOURNEY_TIMEOUT,
      );

      it(
        `announces form errors the DSFR way: the consent page's extra inputs and the administrators' team form (${width} px, ${mode})`,
        async () => {
          const citizen = await open('erreurs-saisies');
          const { page } = citizen;
          await page.goto((await extraInputsService.authorizationUrl('openid pole_emploi_paiements men_statut_boursier')).url.href);
          await page.waitForURL(`${stack.portalUrl}/demande/**`);
          await steps.signInFromRequest(citizen);
          expect(await dateInputFormat(page, 'eleve_date_naissance'), 'champ date : Chromium sans chromium-l10n (langue française) ?').toBe(
            'jj/mm/aaaa',
          );
          await page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
          await citizen.check('consentement-erreurs');
          await expectErrorsAnnounced(page, [
            ['identifiant_france_travail', /^Saisissez l’identifiant de votre compte France Travail\. Exemple : jean\.dupont$/],
            ['eleve_nom', /^Saisissez le nom de naissance de l’élève\.$/],
            ['eleve_prenoms', /^Saisissez les prénoms de l’élève\.$/],
            ['eleve_date_naissance', /^Saisissez la date de naissance\./],
            ['eleve_sexe', /^Choisissez le sexe de l’élève\.$/],
          ]);
          await page.locator('#identifiant_france_travail').fill('angela.dubois');
          await page.locator('#eleve_nom').fill('Dubois');
          await page.locator('#eleve_prenoms').fill('Lucie');
          await page.getByText('Féminin', { exact: true }).click();
          await page.locator('#eleve_date_naissance').fill('2011-03-14');
          await page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
          await citizen.check('apercu');
          expect(await page.title()).toMatch(/^Étape 2 sur 3 – /);
          await citizen.close();

          const admin = await open('erreurs-equipe');
          const email = `agent.${width}.${javaScriptEnabled ? 'js' : 'sans-js'}@exempleville.fr`;
          await steps.signInAgent(admin, 'admin.cantine');
          await admin.page.goto(`${stack.portalUrl}/agents/equipe`);
          await admin.check('equipe');
          await admin.page.locator('#email').fill('camille.exempleville.fr');
          await admin.page.getByRole('button', { name: 'Ajouter' }).click();
          await admin.check('equipe-erreur');
          await expectErrorsAnnounced(admin.page, [['email', /^Saisissez une adresse électronique\. Exemple : prenom\.nom@mairie\.fr$/]]);
          await admin.page.locator('#email').fill(email);
          await admin.page.getByRole('button', { name: 'Ajouter' }).click();
          await admin.check('equipe-ajoute');
          expect(await admin.page.title()).not.toMatch(/^Erreur/);
          expect(await admin.page.locator('table').textContent()).toContain(email);
          await admin.page.getByRole('button', { name: `Retirer ${email}` }).click();
          await admin.page.waitForLoadState('load');
          expect(await admin.page.locator('table').textContent()).not.toContain(email);
          await admin.close();

          // Each form comes back once with 400 (the response, and Chromium's console line about it); nothing else may fail.
          const problems = [...citizen.problems, ...admin.problems];
          const rejected = problems
            .filter((problem) => problem.startsWith('400 '))
            .map((problem) => new URL(problem.slice(4)).pathname.replace(/^\/demande\/[^/]+/, '/demande/…'));
          expect(rejected).toEqual(['/demande/…/apercu', '/agents/equipe']);
          expect(problems.filter((problem) => !/\b400\b/.test(problem))).toEqual([]);
        },
        JOURNEY_TIMEOUT,
      );
    }
  }
});
