/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, Journey, launchChromium, WIDTHS } from '../helpers/chromium.js';
import { type Stack, startStack } from '../helpers/stack.js';

const JOURNEY_TIMEOUT = 90_000;

describeInChromium('citizen and agent journeys in Chromium, axe-clean at 1280 and 320 px', () => {
  let stack: Stack;
  let browser: Browser;
  const fcOrigin = () => new URL(stack.fcIssuer).origin;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const setSourceDown = (down: boolean) =>
    fetch(`${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`, down ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"status":503}' } : { method: 'DELETE' });

  /** Demo SP → request page → local FranceConnect → consent page, checking each page. */
  async function reachConsent(journey: Journey, login = 'test') {
    const { page } = journey;
    await page.goto(stack.demoSpUrl);
    await journey.check('fs-accueil');
    await page.getByRole('link', { name: /Calculer mon tarif/ }).click();
    await page.waitForURL(`${stack.portalUrl}/demande/**`);
    await journey.check('demande');
    await page.locator('button.fr-connect').click();
    await page.waitForURL(`${fcOrigin()}/**`);
    await journey.check('franceconnect');
    await page.locator('#login').fill(login);
    await page.locator('#password').fill('123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${stack.portalUrl}/demande/**`);
    await journey.check('consentement');
  }

  /** Consent → preview → transmit → end page → back at the demo SP. */
  async function transmit(journey: Journey) {
    const { page } = journey;
    await page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
    await journey.check('apercu');
    await page.getByRole('button', { name: 'Transmettre mes données' }).click();
    await page.waitForURL(/\/fin$/);
    await journey.check('fin');
    await page.getByRole('link', { name: /Continuer sur le site/ }).click();
    await page.waitForURL(`${stack.demoSpUrl}/**`);
    await journey.check('fs-resultat');
  }

  /** Agents' sign-in page → local ProConnect → the agents' list. */
  async function signInAgent(journey: Journey, login: string) {
    const { page } = journey;
    await page.goto(`${stack.portalUrl}/agents/connexion`);
    await journey.check('connexion');
    await page.locator('button.fr-connect').click();
    await page.waitForURL((url) => url.origin !== stack.portalUrl);
    await journey.check('proconnect');
    await page.locator('#login').fill(login);
    await page.locator('#password').fill('123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${stack.portalUrl}/agents/justificatifs`);
  }

  /**
   * The header's sign-out button, inside the DSFR menu dialog on narrow screens. The local FranceConnect's logout
   * page submits itself with JavaScript; without it, the citizen confirms with its button.
   */
  async function signOutOfPortal(journey: Journey) {
    const { page } = journey;
    await page.goto(stack.portalUrl);
    if (journey.width < 992 && journey.javaScriptEnabled) await page.getByRole('button', { name: 'Menu' }).click();
    await page.locator('header').getByRole('button', { name: 'Se déconnecter' }).locator('visible=true').click();
    if (!journey.javaScriptEnabled) {
      await page.waitForURL(`${fcOrigin()}/**`);
      await journey.check('franceconnect-deconnexion');
      await page.locator('#confirmer-deconnexion').click();
    }
    await page.waitForURL(`${stack.portalUrl}/?deconnexion=ok`);
    await journey.check('deconnecte');
  }

  /**
   * Tabs until the element named `name` (or matching the CSS selector) has the focus, checking that every element
   * met on the way shows where the focus is.
   */
  async function tabTo(journey: Journey, name: RegExp | string) {
    const { page } = journey;
    await page.waitForLoadState('load');
    for (let presses = 0; presses < 60; presses += 1) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate((selector) => {
        const element = document.activeElement as HTMLElement | null;
        if (element === null || element === document.body) return undefined;
        const drawn = (style: CSSStyleDeclaration) => style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        // DSFR draws some focus rings on a pseudo-element or, for enlarged links, on an ancestor (:focus-within).
        const candidates = [getComputedStyle(element), getComputedStyle(element, '::before'), getComputedStyle(element, '::after')];
        for (let ancestor = element.parentElement, depth = 0; ancestor !== null && depth < 4; ancestor = ancestor.parentElement, depth += 1) {
          candidates.push(getComputedStyle(ancestor));
        }
        return {
          text: (element.innerText || element.getAttribute('aria-label') || element.getAttribute('title') || '').trim(),
          matches: selector !== undefined && element.matches(selector),
          outline: candidates.some(drawn),
        };
      }, typeof name === 'string' ? name : undefined);
      if (focused === undefined) continue;
      expect(focused.outline, `focus invisible sur « ${focused.text} » (${page.url()})`).toBe(true);
      if (typeof name === 'string' ? focused.matches : name.test(focused.text)) return;
    }
    throw new Error(`« ${String(name)} » n’a jamais reçu le focus au clavier sur ${page.url()}`);
  }

  it('completes the consent journey with the keyboard only, focus always visible', async () => {
    const journey = await Journey.open(browser, 'clavier', 1280, stack.portalUrl);
    const { page } = journey;
    await page.goto(stack.demoSpUrl);
    await tabTo(journey, /Calculer mon tarif/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.portalUrl}/demande/**`);
    await tabTo(journey, /S’identifier avec FranceConnect|FranceConnect/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${fcOrigin()}/**`);
    await tabTo(journey, '#login');
    await page.keyboard.type('test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.portalUrl}/demande/**`);
    await tabTo(journey, /Voir les données qui seront transmises/);
    const preview = page.waitForEvent('framenavigated');
    await page.keyboard.press('Space');
    await preview;
    await page.getByRole('heading', { level: 1 }).waitFor();
    await tabTo(journey, /Transmettre mes données/);
    await page.keyboard.press('Space');
    await page.waitForURL(/\/fin$/);
    await tabTo(journey, /Continuer sur le site/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${stack.demoSpUrl}/**`);
    expect(await page.getByTestId('quotient-familial').textContent()).toMatch(/Votre quotient familial : \d+/);
    expect(journey.problems).toEqual([]);
    await journey.close();
  }, JOURNEY_TIMEOUT);

  for (const width of WIDTHS) {
    for (const javaScriptEnabled of [true, false]) {
      const mode = javaScriptEnabled ? 'with JavaScript' : 'with JavaScript disabled';
      it(`transmits the data, brings the citizen back to the service, then signs out through FranceConnect, ${mode} (${width} px)`, async () => {
        const journey = await Journey.open(browser, javaScriptEnabled ? 'transmission' : 'sans-javascript', width, stack.portalUrl, javaScriptEnabled);
        await reachConsent(journey);
        await transmit(journey);
        expect(await journey.page.getByTestId('quotient-familial').textContent()).toMatch(/Votre quotient familial : \d+/);
        await signOutOfPortal(journey);
        expect(journey.problems).toEqual([]);
        await journey.close();
      }, JOURNEY_TIMEOUT);
    }

    it(`shows the share in the citizen space, with its receipt, and withdraws it (${width} px)`, async () => {
      const journey = await Journey.open(browser, 'mon-espace', width, stack.portalUrl);
      const { page } = journey;
      await reachConsent(journey);
      await transmit(journey);
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
      expect(journey.problems).toEqual([]);
      await journey.close();
    }, JOURNEY_TIMEOUT);

    it(`lets an agent find, open and print the justificatif, verify it, and sign out (${width} px)`, async () => {
      const citizen = await Journey.open(browser, 'agent-prealable', width, stack.portalUrl);
      await reachConsent(citizen);
      await transmit(citizen);
      await citizen.close();

      const journey = await Journey.open(browser, 'agent', width, stack.portalUrl);
      const { page } = journey;
      await signInAgent(journey, 'agent.cantine');
      await journey.check('justificatifs');
      await page.getByRole('link', { name: /Consulter/ }).first().click();
      await journey.check('justificatif');
      const reference = /PP-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await page.locator('h1').textContent()) ?? '')?.[0];
      expect(reference).toBeDefined();
      await page.getByRole('link', { name: /Imprimer/ }).click();
      await journey.check('impression');
      await page.goto(`${stack.portalUrl}/verifier?numero=${reference}`);
      await journey.check('verification');
      expect(await page.locator('main').textContent()).toContain('Ce justificatif est authentique.');
      await page.goto(`${stack.portalUrl}/statistiques`);
      await journey.check('statistiques');
      await page.goto(`${stack.portalUrl}/agents/justificatifs`);
      if (width < 992) await page.getByRole('button', { name: 'Menu' }).click();
      await page.locator('header').getByRole('button', { name: 'Se déconnecter' }).locator('visible=true').click();
      await page.waitForURL(`${stack.portalUrl}/agents/connexion?deconnexion=ok`);
      await journey.check('deconnecte');
      expect(journey.problems).toEqual([]);
      await journey.close();
    }, JOURNEY_TIMEOUT);

    it(`keeps the other pages axe-clean: errors, administrators' pages, public pages (${width} px)`, async () => {
      const journey = await Journey.open(browser, 'autres-pages', width, stack.portalUrl);
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

      await signInAgent(journey, 'admin.cantine');
      await page.goto(`${stack.portalUrl}/agents/equipe`);
      await journey.check('equipe');
      await page.goto(`${stack.portalUrl}/agents/journal`);
      await journey.check('journal');
      // 404 and 401 are these pages' intended statuses; no other failure is expected.
      expect(journey.problems.filter((problem) => !/\b(404|401)\b/.test(problem))).toEqual([]);
      await journey.close();
    }, JOURNEY_TIMEOUT);

    it(`refuses, and the service is told so (${width} px)`, async () => {
      const journey = await Journey.open(browser, 'refus', width, stack.portalUrl);
      const { page } = journey;
      await reachConsent(journey);
      await page.getByRole('button', { name: 'Ne pas transmettre' }).click();
      await page.waitForURL(/\/fin$/);
      await journey.check('fin');
      await expect.poll(() => page.locator('main').textContent()).toMatch(/aucune information|n’avez pas transmis|refus/i);
      await page.getByRole('link', { name: /Continuer sur le site/ }).click();
      await page.waitForURL(`${stack.demoSpUrl}/**`);
      await journey.check('fs-refus');
      expect(journey.problems).toEqual([]);
      await journey.close();
    }, JOURNEY_TIMEOUT);

    it(`with the source down, says so on the preview and the service offers another way (${width} px)`, async () => {
      await setSourceDown(true);
      try {
        const journey = await Journey.open(browser, 'source-en-panne', width, stack.portalUrl);
        await reachConsent(journey);
        await journey.page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
        await journey.check('apercu');
        expect(await journey.page.locator('main').textContent()).toMatch(/pas pu être obtenu|indisponible|ne répond pas/i);
        await journey.page.getByRole('button', { name: /^Informer .* du résultat$/ }).click();
        await journey.page.waitForURL(/\/fin$/);
        await journey.check('fin');
        await journey.page.getByRole('link', { name: /Continuer sur le site/ }).click();
        await journey.page.waitForURL(`${stack.demoSpUrl}/**`);
        await journey.check('fs-resultat');
        expect(await journey.page.locator('main').textContent()).toContain('n’a pas pu être obtenu');
        expect(journey.problems).toEqual([]);
        await journey.close();
      } finally {
        await setSourceDown(false);
      }
    }, JOURNEY_TIMEOUT);
  }
});
