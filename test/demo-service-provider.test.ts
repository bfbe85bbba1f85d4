import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './helpers/browser.js';
import { textOf } from './helpers/html.js';
import { decide, reachConsentPage } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Demo SP home → "Calculer mon tarif…" → request page → FranceConnect → consent → decision → back at the demo SP. */
async function journey(decision: 'transmettre' | 'refuser') {
  const browser = new TestBrowser();
  const home = await browser.visit(stack.demoSpUrl);
  expect(textOf(home.body)).toContain('Tarif de la cantine scolaire');
  const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
  expect(textOf(consent.body)).toContain('Mairie d\'Exempleville');
  const { callback } = await decide(browser, consent, decision, stack.demoSpUrl);
  return browser.visit(callback);
}

describe('demo service provider (Mairie d’Exempleville, seeded from seed/development.json)', () => {
  it('receives the granted scopes after a transmission', async () => {
    const page = await journey('transmettre');
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain('Informations reçues');
    expect(page.body).toContain('<code>cnaf_quotient_familial</code>');
    expect(page.body).toContain('<code>cnaf_enfants</code>');
  });

  it('shows the refusal clearly', async () => {
    const page = await journey('refuser');
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain('Vous avez choisi de ne pas transmettre vos informations.');
  });
});
