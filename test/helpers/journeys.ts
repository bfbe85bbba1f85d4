import type { TestBrowser, Page } from './browser.js';
import { formWithAction } from './html.js';

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
