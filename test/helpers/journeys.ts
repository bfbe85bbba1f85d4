import type { Page as ChromiumPage } from 'playwright-core';
import { expect } from 'vitest';
import type { Page, TestBrowser } from './browser.js';
import type { Journey } from './chromium.js';
import { formWithAction } from './html.js';
import type { Stack } from './stack.js';

/** Home page → FranceConnect button → the local FranceConnect's sign-in page. */
export async function openFranceConnectLogin(browser: TestBrowser, portalUrl: string): Promise<Page> {
  const home = await browser.visit(portalUrl);
  const form = formWithAction(home.body, '/connexion/franceconnect');
  return browser.visit(new URL(form.action, portalUrl), { form: form.fields });
}

/** Submits the local FranceConnect's form with a persona and follows the redirects back to the portal. */
export async function submitFranceConnectLogin(browser: TestBrowser, loginPage: Page, login: string, password = '123'): Promise<Page> {
  const form = formWithAction(loginPage.body, /\/interaction\/[^/]+\/login$/);
  return browser.visit(new URL(form.action, loginPage.url), { form: { login, password } });
}

/**
 * A portal page's ProConnect button (its form posting to `action`) → the local ProConnect → back on the portal,
 * signed in as `login`; the local ProConnect's form is the same as FranceConnect's.
 */
export async function signInWithProConnect(browser: TestBrowser, portalUrl: string, page: string, action: string, login: string): Promise<Page> {
  const start = await browser.visit(`${portalUrl}${page}`);
  const form = formWithAction(start.body, action);
  return submitFranceConnectLogin(browser, await browser.visit(new URL(form.action, portalUrl), { form: form.fields }), login);
}

export async function signIn(browser: TestBrowser, portalUrl: string, login = 'test'): Promise<Page> {
  return submitFranceConnectLogin(browser, await openFranceConnectLogin(browser, portalUrl), login);
}

/** Portal sign-out → FranceConnect's logout page, whose form is submitted as its button does without JavaScript. */
export async function signOut(browser: TestBrowser, portalUrl: string): Promise<Page> {
  const home = await browser.visit(portalUrl);
  const form = formWithAction(home.body, '/deconnexion');
  const logoutPage = await browser.visit(new URL(form.action, portalUrl), { form: form.fields });
  return confirmFranceConnectLogout(browser, logoutPage);
}

export async function confirmFranceConnectLogout(browser: TestBrowser, logoutPage: Page): Promise<Page> {
  const confirm = formWithAction(logoutPage.body, /\/session\/end\/confirm$/);
  const page = await browser.visit(new URL(confirm.action, logoutPage.url), { form: { ...confirm.fields, logout: 'yes' } });
  return { ...page, chain: [...logoutPage.chain, ...page.chain] };
}

/**
 * Serves an empty script in place of the local identity providers' auto-submit, so that their logout page stays on
 * screen with JavaScript running: axe can audit it, then the test confirms with the page's button.
 */
async function holdAutoSubmit(page: ChromiumPage, origin: string): Promise<void> {
  await page.route(`${origin}/static/auto-submit.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
}

/** The same steps in Chromium, each page on the way going through `journey.check`. */
/** The demo service's two buttons (views/dev/demo-sp/accueil.njk). */
export const DEMO_BUTTONS = {
  identite: 'Calculer mon tarif avec mon quotient familial',
  franceconnect: 'Calculer mon tarif avec FranceConnect, même sans dossier CAF',
} as const;

export function chromiumSteps(stack: Stack) {
  const fcOrigin = new URL(stack.fcIssuer).origin;
  const pcOrigin = new URL(stack.config.proconnect.issuer).origin;

  /** The page's FranceConnect or ProConnect button → the local provider's form, checked as `step` → back at `back`. */
  async function signInThrough(journey: Journey, providerOrigin: string, step: string, login: string, back: string) {
    const { page } = journey;
    await page.locator('button.fr-connect').click();
    await page.waitForURL(`${providerOrigin}/**`);
    await journey.check(step);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill('123');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(back);
  }

  /** The request page → local FranceConnect → consent page. */
  async function signInFromRequest(journey: Journey, login = 'test') {
    await journey.check('demande');
    await signInThrough(journey, fcOrigin, 'franceconnect', login, `${stack.portalUrl}/demande/**`);
    await journey.check('consentement');
  }

  /** Consent → preview: the consent step's two choices in sight first, on a 1280 × 800 screen. */
  async function openPreview(journey: Journey) {
    const { page } = journey;
    if (journey.width >= 1280) {
      // The consent step's two choices are in sight on a 1280 × 800 screen, without scrolling, and of equal size.
      const boxes = await Promise.all(
        ['Voir les données qui seront transmises', 'Ne pas transmettre'].map((name) => page.getByRole('button', { name }).boundingBox()),
      );
      for (const box of boxes)
        expect(box !== null && box.y + box.height <= 800, `boutons visibles sans défiler : ${JSON.stringify(boxes)}`).toBe(true);
      expect(boxes[0]?.height).toBe(boxes[1]?.height);
    }
    await page.getByRole('button', { name: 'Voir les données qui seront transmises' }).click();
    await journey.check('apercu');
  }

  /** Preview → « Transmettre mes données » → end page → back at the demo SP, which shows what it received. */
  async function transmitFromPreview(journey: Journey) {
    const { page } = journey;
    await page.getByRole('button', { name: 'Transmettre mes données' }).click();
    await page.waitForURL(/\/fin$/);
    await journey.check('fin');
    await page.getByRole('link', { name: /Continuer sur le site/ }).click();
    await page.waitForURL(`${stack.demoSpUrl}/**`);
    await journey.check('fs-resultat');
  }

  return {
    fcOrigin,
    signInFromRequest,

    /**
     * Demo SP → request page → local FranceConnect → consent page; by the demo's first button (identity mode) or its
     * second, whose client asks in FranceConnect-token mode.
     */
    async reachConsent(journey: Journey, login = 'test', button: 'identite' | 'franceconnect' = 'identite') {
      const { page } = journey;
      await page.goto(stack.demoSpUrl);
      await journey.check('fs-accueil');
      await page.getByRole('link', { name: DEMO_BUTTONS[button] }).click();
      await page.waitForURL(`${stack.portalUrl}/demande/**`);
      await signInFromRequest(journey, login);
    },

    openPreview,

    /** Consent → preview (its help section readable: opened with JavaScript, shown without) → transmit → end page → back at the demo SP. */
    async transmit(journey: Journey) {
      const { page } = journey;
      await openPreview(journey);
      if (journey.javaScriptEnabled) await page.getByRole('button', { name: 'Une information est fausse ?' }).click();
      await page.getByText('Nous ne pouvons pas la modifier').waitFor({ state: 'visible', timeout: 2_000 });
      await transmitFromPreview(journey);
    },

    transmitFromPreview,

    /** The service's sign-out request (RP-initiated logout): the portal's confirmation page, then its success page. */
    async serviceSignOut(journey: Journey) {
      const { page } = journey;
      await page.goto(`${stack.config.authorization.issuer}/session/end?client_id=${stack.config.demoServiceProvider.clientId}`);
      await journey.check('deconnexion-service');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL('**/session/end/success');
      await journey.check('deconnexion-service-terminee');
      // Signed out of the portal too: its home page offers FranceConnect again.
      await page.goto(stack.portalUrl);
      await page.getByRole('button', { name: /S’identifier avec\s*FranceConnect/ }).waitFor();
      await journey.check('accueil-apres-deconnexion-service');
    },

    /** Agents' sign-in page → local ProConnect → the agents' list. */
    async signInAgent(journey: Journey, login: string) {
      await journey.page.goto(`${stack.portalUrl}/agents/connexion`);
      await journey.check('connexion');
      await signInThrough(journey, pcOrigin, 'proconnect', login, `${stack.portalUrl}/agents/justificatifs`);
    },

    /** A ProConnect space of the portal other than the agents' one: its page, ProConnect, and back there. */
    async signInProConnect(journey: Journey, space: '/fournisseurs' | '/instruction', login: string) {
      await journey.page.goto(`${stack.portalUrl}${space}`);
      await journey.check(`connexion-${space.slice(1)}`);
      await signInThrough(journey, pcOrigin, 'proconnect', login, `${stack.portalUrl}${space}`);
    },

    /**
     * The header's sign-out button (inside the DSFR menu dialog on narrow screens with JavaScript), then the identity
     * provider's logout page, which submits itself with JavaScript; without it, the person confirms with its button.
     * `audit` holds the script back so that axe audits that page with JavaScript running, then confirms likewise.
     */
    async signOut(journey: Journey, space: 'citoyen' | 'agent', { audit = false } = {}) {
      const { page } = journey;
      const provider = space === 'agent' ? pcOrigin : fcOrigin;
      if (audit) await holdAutoSubmit(page, provider);
      await page.goto(space === 'agent' ? `${stack.portalUrl}/agents/justificatifs` : stack.portalUrl);
      if (journey.width < 992 && journey.javaScriptEnabled) await page.getByRole('button', { name: 'Menu' }).click();
      await page.locator('header').getByRole('button', { name: 'Se déconnecter' }).locator('visible=true').click();
      if (audit || !journey.javaScriptEnabled) {
        await page.waitForURL(`${provider}/**`);
        await journey.check(space === 'agent' ? 'proconnect-deconnexion' : 'franceconnect-deconnexion');
        await page.locator('#confirmer-deconnexion').click();
      }
      await page.waitForURL(space === 'agent' ? `${stack.portalUrl}/agents/connexion?deconnexion=ok` : `${stack.portalUrl}/?deconnexion=ok`);
      await journey.check('deconnecte');
    },
  };
}
