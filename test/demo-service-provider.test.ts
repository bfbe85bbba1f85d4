import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './helpers/browser.js';
import { formWithAction, textOf } from './helpers/html.js';
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
  expect(textOf(consent.body)).toContain("Mairie d'Exempleville");
  const { callback } = await decide(browser, consent, decision, stack.demoSpUrl);
  return browser.visit(callback);
}

describe('demo service provider (Mairie d’Exempleville, seeded from seed/development.json)', () => {
  it('receives a verified justificatif with the family quotient after a transmission', async () => {
    const page = await journey('transmettre');
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain('signature de Passerelle Particulier vérifiée');
    expect(textOf(page.body)).toContain('Votre quotient familial : 620');
    expect(page.body).toContain('<code>cnaf_quotient_familial</code>');
    expect(page.body).toContain('<tr data-scope="cnaf_enfants"><th scope="row">Enfants du foyer</th><td><code>disponible</code>');
  });

  it('reads the justificatif again, and after the citizen withdraws it, says so clearly', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
    const { callback } = await decide(browser, consent, 'transmettre', stack.demoSpUrl);
    await browser.visit(callback);
    expect(textOf((await browser.visit(`${stack.demoSpUrl}/relire`)).body)).toContain('Votre quotient familial : 620');
    const space = await browser.visit(`${stack.portalUrl}/mon-espace`);
    const reference = /data-reference="(PP-[^"]+)"/.exec(space.body)?.[1] ?? '';
    const confirm = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${reference}/retrait`);
    const form = formWithAction(confirm.body, /\/retrait$/);
    await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
    const after = await browser.visit(`${stack.demoSpUrl}/relire`);
    expect(after.status).toBe(502);
    expect(textOf(after.body)).toContain('La personne a retiré ces informations');
    expect(textOf(after.body)).toContain('code 00410');
  });

  it('shows per-item statuses when the sandbox has the source down', async () => {
    await fetch(`${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"status":503}',
    });
    try {
      const page = await journey('transmettre');
      expect(textOf(page.body)).toContain('Votre quotient familial n’a pas pu être obtenu');
      expect(page.body).toContain('<tr data-scope="cnaf_quotient_familial"><th scope="row">Quotient familial</th><td><code>indisponible</code>');
    } finally {
      await fetch(`${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`, { method: 'DELETE' });
    }
  });

  it('shows the refusal clearly', async () => {
    const page = await journey('refuser');
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain('Vous avez choisi de ne pas transmettre vos informations.');
  });
});
