import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { TestBrowser } from './helpers/browser.js';
import { formsOf, formWithAction, textOf } from './helpers/html.js';
import { decide, preview, reachConsentPage } from './helpers/service-provider.js';
import { type Stack, startStack } from './helpers/stack.js';

let stack: Stack;
let db: Kysely<Database>;
beforeAll(async () => {
  stack = await startStack();
  db = openDatabase(stack.config.database);
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});

/** Demo SP home → "Calculer mon tarif…" → request page → FranceConnect → consent → decision → back at the demo SP. */
async function journey(decision: 'transmettre' | 'refuser', browser = new TestBrowser()) {
  const home = await browser.visit(stack.demoSpUrl);
  expect(textOf(home.body)).toContain('Tarif de la cantine scolaire');
  const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
  expect(textOf(consent.body)).toContain('Mairie d’Exempleville');
  const { callback } = await decide(browser, consent, decision, stack.demoSpUrl);
  return browser.visit(callback);
}

/** The « Panneau développeur » (closed by default), and the page without it: what the family reads. */
function panelOf(html: string): { panel: string; open: boolean; outside: string } {
  const match = /<details\b([^>]*)data-testid="panneau-developpeur"([^>]*)>[\s\S]*?<\/details>/.exec(html);
  if (match === null) return { panel: '', open: false, outside: html };
  return { panel: match[0], open: /\bopen\b/.test(`${match[1]} ${match[2]}`), outside: html.replace(match[0], '') };
}

/** Intl's no-break spaces (before « € », between thousands) read as plain spaces. */
const plain = (text: string) => text.replace(/\s/g, ' ');

/** Withdraws, from Mon espace, the citizen's only transmission; its number. */
async function withdrawFromCitizenSpace(browser: TestBrowser): Promise<string> {
  const space = await browser.visit(`${stack.portalUrl}/mon-espace`);
  const reference = /data-reference="(PP-[^"]+)"/.exec(space.body)?.[1] ?? '';
  const confirm = await browser.visit(`${stack.portalUrl}/mon-espace/transmissions/${reference}/retrait`);
  const form = formWithAction(confirm.body, /\/retrait$/);
  await browser.visit(new URL(form.action, stack.portalUrl), { form: form.fields });
  return reference;
}

describe('demo service provider (Mairie d’Exempleville, seeded from seed/development.json)', () => {
  it('guides a person born abroad whom the CAF does not recognise to the retry that finds her, journaled', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl, 'prenoms_a_l_etranger');
    const first = await preview(browser, consent);
    const firstText = plain(textOf(first.body));
    expect(first.body).toContain('data-testid="recovery-quotient_familial"');
    expect(firstText).toContain('Vous êtes né(e) hors de France');
    expect(firstText).toContain('Vous avez plusieurs prénoms');
    const retry = formsOf(first.body).find((form) => form.fields.variante === 'premier_prenom');
    expect(retry?.fields.source).toBe('quotient_familial');
    // One button per source, however many of its items are missing.
    expect(formsOf(first.body).filter((form) => form.fields.variante !== undefined)).toHaveLength(1);

    const second = await browser.visit(new URL(retry?.action ?? '', first.url), { form: retry?.fields ?? {} });
    const secondText = plain(textOf(second.body));
    expect(second.body).not.toContain('data-testid="recovery-quotient_familial"');
    expect(secondText).toContain('Mairie d’Exempleville saura seulement que votre quotient familial est dans la tranche 450–800.');
    const retried = await db.selectFrom('journal_entry').select(['data', 'subject']).where('type', '=', 'source.retried').execute();
    expect(retried.map((entry) => [entry.subject, JSON.parse(entry.data)])).toEqual([
      ['source:quotient_familial', { variante: 'premier_prenom', status: 'ok' }],
    ]);
    // The same variant again is refused: a retry is one documented change, once.
    expect((await browser.visit(new URL(retry?.action ?? '', first.url), { form: retry?.fields ?? {} })).status).toBe(400);

    const decision = formWithAction(second.body, /^\/demande\/[^/]+\/decision$/);
    const end = await browser.visit(new URL(decision.action, second.url), { form: { ...decision.fields, decision: 'transmettre' } });
    expect(plain(textOf(end.body))).toContain('peut maintenant recevoir les 2 informations que vous avez transmises');
  });

  it('guides a person the CAF knows by her birth name only to the retry without her usage name', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl, 'nom_d_usage_inconnu_de_la_caf');
    const first = await preview(browser, consent);
    expect(plain(textOf(first.body))).toContain('Vous avez un nom d’usage : l’organisme vous connaît peut-être sous votre seul nom de naissance.');
    const retry = formsOf(first.body).find((form) => form.fields.variante === 'nom_de_naissance');
    expect(retry).toBeDefined();
    const second = await browser.visit(new URL(retry?.action ?? '', first.url), { form: retry?.fields ?? {} });
    expect(plain(textOf(second.body))).toContain('saura seulement que votre quotient familial est dans la tranche 800–1200.');
  });

  it('tells the citizen, before anything leaves, that the town learns the bracket and the number of children only', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
    const consentText = plain(textOf(consent.body));
    expect(consentText).toContain(
      'Mairie d’Exempleville saura seulement dans quelle tranche est votre quotient familial (0–450, 450–800, 800–1200 ou plus de 1200), pas sa valeur.',
    );
    const seen = plain(textOf((await preview(browser, consent)).body));
    // The citizen sees their own value, and the one sentence that leaves.
    expect(seen).toContain('Quotient familial : 620 (octobre 2026, calculé par la CAF en septembre 2026)');
    expect(seen).toContain('Mairie d’Exempleville saura seulement que votre quotient familial est dans la tranche 450–800.');
    expect(seen).toContain('Mairie d’Exempleville saura seulement que votre foyer compte 2 enfants de moins de 18 ans.');
    // The people the answer names, who did not consent, are named to the citizen who decides for them.
    expect(seen).toContain('Ces informations concernent aussi : Bernard Pierre DUBOIS, Lucie DUBOIS, Hugo DUBOIS.');
  });

  it('shows the meal price from the family quotient, what justifies it, and the transmission’s number', async () => {
    const browser = new TestBrowser();
    const page = await journey('transmettre', browser);
    expect(page.status).toBe(200);
    const { outside } = panelOf(page.body);
    const text = plain(textOf(outside));
    // Persona « test » (Angela DUBOIS): quotient familial 620 € for October 2026, two children. The habilitation
    // asks for the bracket and the number of children: the town never receives the value, nor the names.
    expect(text).toContain('Votre tarif : 2,40 € par repas');
    expect(text).toContain(
      'Votre quotient familial pour octobre 2026, selon la CAF, se situe dans la tranche « plus de 450 € et jusqu’à 800 € » de la grille des tarifs. Nous n’avons reçu que cette tranche, pas sa valeur.',
    );
    expect(text).toContain('chacun de vos 2 enfants de moins de 18 ans.');
    // Nor does the developer panel's document hold them: the bracket, the count and their rules only.
    expect(page.body).not.toMatch(/(&quot;|")valeur(&quot;|")|Lucie|Hugo|date_naissance/);
    expect(page.body).toContain('quotient_familial_tranche');
    // Through the v3 route too, with the service's own token: the bracket and its rule, never the value.
    const token = /Bearer ([A-Za-z0-9_-]+)/.exec(textOf(panelOf(page.body).panel))?.[1] ?? '';
    const v3 = (await (
      await fetch(`${stack.portalUrl}/v3/dss/quotient_familial/france_connect`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { data: Record<string, unknown>; meta: { derivations?: Record<string, unknown> } };
    expect(v3.data.quotient_familial_tranche).toMatchObject({ tranche: '450–800', borne_basse: 450, borne_haute: 800 });
    expect(v3.data.quotient_familial).toBeUndefined();
    expect(v3.meta.derivations?.cnaf_quotient_familial).toEqual({ regle: 'tranche', bornes: [450, 800, 1200] });
    expect(outside).toContain('fr-alert--success');
    expect(text).toContain('Informations reçues Nous avons bien reçu la tranche de votre quotient familial et le nombre d’enfants de votre foyer.');
    const numero = /Numéro de votre transmission : (PP-\d{4}-[A-Z0-9]{4}-[A-Z0-9]{4}) ?\./.exec(text)?.[1];
    const space = await browser.visit(`${stack.portalUrl}/mon-espace`);
    expect(numero).toBeDefined();
    expect(space.body).toContain(`data-reference="${numero}"`);
  });

  it('keeps sub, scopes, token and document in the developer panel, closed, and out of the family’s page', async () => {
    const page = await journey('transmettre');
    const { panel, open, outside } = panelOf(page.body);
    expect(panel).not.toBe('');
    expect(open).toBe(false);
    expect(textOf(panel)).toContain('Panneau développeur');
    // The sentence test/several-nodes.test.ts reads the justificatif's id from.
    expect(textOf(panel)).toMatch(/Justificatif n° \S+ reçu, signature de Passerelle Particulier vérifiée/);
    const sub = /<code data-testid="sub">([^<]+)<\/code>/.exec(panel)?.[1] ?? '';
    expect(sub).not.toBe('');
    expect(panel).toContain('<code>cnaf_quotient_familial</code>');
    expect(panel).toContain(
      '<tr data-scope="cnaf_enfants"><th scope="row">Enfants du foyer</th><td><code>cnaf_enfants</code></td><td><code>disponible</code>',
    );
    expect(textOf(panel)).toMatch(/curl -H "Authorization: Bearer [^"]+" http:\/\/[^ ]+\/api\/v1\/justificatif/);
    expect(textOf(panel)).toContain('"resultat": "complet"');
    for (const technical of [sub, 'cnaf_quotient_familial', 'cnaf_enfants', 'Bearer', 'disponible', 'sub']) {
      expect(textOf(outside), technical).not.toContain(technical);
    }
    expect(outside).not.toContain('data-scope=');
  });

  it('reads the justificatif again, and after the citizen withdraws it, says so in French, never with the API’s message', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
    const { callback } = await decide(browser, consent, 'transmettre', stack.demoSpUrl);
    await browser.visit(callback);
    expect(plain(textOf((await browser.visit(`${stack.demoSpUrl}/relire`)).body))).toContain('Votre tarif : 2,40 € par repas');
    await withdrawFromCitizenSpace(browser);
    const today = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' })
      .format(new Date())
      .replace(/^1 /, '1er ');
    const after = await browser.visit(`${stack.demoSpUrl}/relire`);
    expect(after.status).toBe(200);
    const { outside, panel } = panelOf(after.body);
    expect(plain(textOf(outside))).toContain(`Vous avez retiré ces informations le ${today} ; nous ne les avons plus.`);
    expect(outside).toContain('fr-alert--info');
    expect(outside).not.toContain('fr-alert--success');
    expect(textOf(outside)).not.toContain('La personne a retiré');
    expect(textOf(outside)).not.toContain('00410');
    expect(textOf(outside)).not.toContain('Votre tarif');
    // The raw answer is there for integrators only, inside the closed panel.
    expect(textOf(panel)).toContain('00410');
    // The service forgot the token: nothing left to read.
    const again = await browser.visit(`${stack.demoSpUrl}/relire`);
    expect(again.url.href).toBe(`${stack.demoSpUrl}/`);
  });

  it('hears of the withdrawal without asking: the portal pushes a signed event that the town’s files show', async () => {
    const browser = new TestBrowser();
    const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
    const { callback } = await decide(browser, consent, 'transmettre', stack.demoSpUrl);
    const received = await browser.visit(callback);
    const numero = /data-testid="dev-numero">([^<]+)</.exec(received.body)?.[1] ?? '';
    expect(numero).toMatch(/^PP-/);
    const files = async () => (await fetch(`${stack.demoSpUrl}/dossiers`)).text();
    const fileOf = (html: string) => new RegExp(`<li[^>]*data-etat="([a-z]+)"[^>]*>\\s*<h2[^>]*>Justificatif ${numero}<`).exec(html)?.[1];
    expect(fileOf(await files())).toBe('recu');

    expect(await withdrawFromCitizenSpace(browser)).toBe(numero);
    // Delivered right after the withdrawal commits, without the service reading anything.
    const after = await vi.waitFor(
      async () => {
        const html = await files();
        if (fileOf(html) !== 'retire') throw new Error('pas encore notifié');
        return html;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(plain(textOf(after))).toContain('La famille a retiré ces informations le');
    // The service shows it on receipt; the portal records the delivery once the service's answer is back.
    const event = await vi.waitFor(
      async () => {
        const latest = await db
          .selectFrom('sp_event')
          .selectAll()
          .where('type', '=', 'justificatif.retire')
          .orderBy('occurred_at', 'desc')
          .executeTakeFirstOrThrow();
        if (latest.delivered_at === null) throw new Error('remise pas encore enregistrée');
        return latest;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(event).toMatchObject({
      client_id: stack.config.demoServiceProvider.clientId,
      attempts: 1,
      next_attempt_at: null,
      last_outcome: 'HTTP 202',
    });
    expect(event.delivered_at).not.toBeNull();
    const journaled = await db.selectFrom('journal_entry').select(['data', 'subject']).where('type', '=', 'notification.delivered').execute();
    expect(journaled.map((entry) => JSON.parse(entry.data).id)).toContain(event.id);
  });

  it('says that nothing could be obtained when the sandbox has the source down: no success, no price', async () => {
    await fetch(`${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"status":503}',
    });
    try {
      const page = await journey('transmettre');
      expect(page.status).toBe(200);
      const { outside, panel } = panelOf(page.body);
      const text = plain(textOf(outside));
      expect(text).toContain('Aucune information n’a pu être obtenue : la CAF ou la MSA ne répond pas en ce moment.');
      expect(text).toContain(
        'Pour calculer votre tarif, apportez votre attestation de quotient familial (CAF ou MSA) et votre livret de famille à l’accueil de la mairie, ou recommencez plus tard.',
      );
      expect(outside).toContain('fr-alert--warning');
      expect(outside).not.toContain('fr-alert--success');
      expect(text).not.toContain('Informations reçues');
      expect(text).not.toContain('Votre tarif');
      expect(text).not.toContain('€ par repas');
      expect(panel).toContain(
        '<tr data-scope="cnaf_quotient_familial"><th scope="row">Quotient familial</th><td><code>cnaf_quotient_familial</code></td><td><code>indisponible</code>',
      );
      expect(textOf(panel)).toMatch(/Résultat \( resultat \) : aucune_information/);
    } finally {
      await fetch(`${stack.sandboxUrl}/_sandbox/pannes/quotient_familial`, { method: 'DELETE' });
    }
  });

  it('shows the refusal clearly, with the way to apply with documents', async () => {
    const page = await journey('refuser');
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Vous n’avez rien transmis');
    expect(text).toContain('Apportez votre attestation de quotient familial (CAF ou MSA) et votre livret de famille à l’accueil de la mairie');
    expect(page.body).toContain('fr-alert--info');
    expect(page.body).not.toContain('fr-alert--success');
  });

  it('turns a failure into friendly words, the technical detail in the developer panel', async () => {
    const browser = new TestBrowser();
    const page = await browser.visit(`${stack.demoSpUrl}/callback?code=inconnu&state=inconnu`);
    expect(page.status).toBe(400);
    const { outside, panel } = panelOf(page.body);
    expect(textOf(outside)).toContain('Le calcul de votre tarif n’a pas pu aboutir');
    expect(textOf(outside)).toContain('Réessayez dans quelques minutes');
    expect(textOf(outside)).not.toContain('aucune demande en cours');
    expect(panel).toContain('data-testid="error-detail"');
  });

  describe('asking with FranceConnect (the second client, in FranceConnect-token mode)', () => {
    /** Demo SP home → « … avec FranceConnect » → FranceConnect with the data scopes → consent → transmission. */
    async function tokenJourney(login: string) {
      const browser = new TestBrowser();
      const home = await browser.visit(stack.demoSpUrl);
      expect(home.body).toContain('href="/franceconnect/connexion"');
      const consent = await reachConsentPage(browser, new URL('/franceconnect/connexion', stack.demoSpUrl), stack.demoSpUrl, login);
      const { callback, previewPage } = await decide(browser, consent, 'transmettre', stack.demoSpUrl);
      return { previewText: plain(textOf(previewPage?.body ?? '')), page: await browser.visit(callback) };
    }

    it('prices the meal from the quotient familial the CAF gave with the citizen’s token', async () => {
      const { previewText, page } = await tokenJourney('test');
      expect(previewText).toContain('Obtenu avec votre connexion FranceConnect');
      const text = plain(textOf(panelOf(page.body).outside));
      expect(text).toContain('Votre tarif');
      expect(page.body).toContain('data-testid="quotient-familial"');
    });

    it('without an answer from the CAF, prices the meal from the town’s quotient: revenu fiscal de référence ÷ 12 ÷ parts', async () => {
      const { page } = await tokenJourney('prenom_unique');
      const text = plain(textOf(panelOf(page.body).outside));
      expect(text).toContain('Certaines informations manquent');
      expect(text).toContain('Votre quotient municipal : 760 €, calculé à partir de votre revenu fiscal de référence (9 120 €');
      expect(text).toContain('et de l’unique part de votre foyer fiscal');
      expect(text).toContain('Votre tarif');
    });
  });
});
