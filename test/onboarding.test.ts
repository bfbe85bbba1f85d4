import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { createLogger } from '../src/http/logger.js';
import { createJournal } from '../src/journal/journal.js';
import { mailExpiryNotices, noticeExpiringHabilitations } from '../src/notifications/expiry-notices.js';
import { habilitationContacts } from '../src/onboarding/habilitation-requests.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { type Page, TestBrowser } from './helpers/browser.js';
import { BOIS_JOLI_REQUEST } from './helpers/habilitation-request.js';
import { formWithAction, textOf } from './helpers/html.js';
import { signInWithProConnect } from './helpers/journeys.js';
import { decide, reachConsentPage, secretAccepted, serviceProviderClient } from './helpers/service-provider.js';
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

const SP_ORIGIN = 'http://localhost:4991';
const DAY = 24 * 60 * 60 * 1000;

/** A space's ProConnect button → the local ProConnect → back in the space, signed in as `login`. */
async function signIn(space: '/fournisseurs' | '/instruction', login: string, browser = new TestBrowser()) {
  return { browser, page: await signInWithProConnect(browser, stack.portalUrl, space, `${space}/connexion`, login) };
}

const COMPLETE = {
  ...BOIS_JOLI_REQUEST,
  intitule: 'Tarif du centre de loisirs',
  redirect_uris: `${SP_ORIGIN}/retour`,
  scopes: 'cnaf_quotient_familial',
};

/** Posts the request form of `page` with these fields and the chosen button. */
const post = (browser: TestBrowser, page: Page, fields: Record<string, string>, action: 'soumettre' | 'brouillon') => {
  const form = formWithAction(page.body, /^\/fournisseurs\/demandes(\/[0-9a-f-]+)?$/);
  return browser.visit(new URL(form.action, stack.portalUrl), { form: { _csrf: form.fields._csrf ?? '', ...fields, action } });
};
const requestRow = () => db.selectFrom('habilitation_request').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
const journaled = async () =>
  (await db.selectFrom('journal_entry').select('type').where('type', 'like', 'habilitation_request.%').orderBy('seq').execute()).map(
    (row) => row.type,
  );

describe('a service asks for its habilitation, an instructor decides, the service gets its credentials once', () => {
  it('goes from a draft to a working service, each step in the history and the journal', async () => {
    const staff = await signIn('/fournisseurs', 'fs.boisjoli');
    expect(textOf(staff.page.body)).toContain('Votre organisation n’a encore aucun service raccordé');

    // Submitted incomplete: kept as a draft, with what is missing said field by field.
    const blank = await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/nouvelle`);
    const incomplete = await post(
      staff.browser,
      blank,
      { intitule: 'Tarif du centre de loisirs', cadre_juridique_url: 'http://pas-https.example' },
      'soumettre',
    );
    expect(incomplete.status).toBe(400);
    const errors = textOf(incomplete.body);
    expect(errors).toContain('Des informations sont à corriger');
    expect(errors).toContain('Saisissez le nom de votre organisation.');
    expect(errors).toContain('Saisissez l’adresse du texte (Légifrance, délibération publiée), qui commence par https://.');
    expect(errors).toContain('Cochez au moins une donnée.');
    expect(incomplete.body).toContain('value="Tarif du centre de loisirs"');
    expect(incomplete.body).toContain('value="http://pas-https.example"');
    expect(await requestRow()).toMatchObject({ state: 'brouillon', siret: '21999999900044', requester_email: 'ines.garnier@bois-joli.fr' });
    const { id, number } = await requestRow();

    // Another organisation never sees it.
    const other = await signIn('/fournisseurs', 'agent.transport');
    expect((await other.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${id}`)).status).toBe(404);

    // Complete: submitted, and no longer editable.
    const submitted = await post(staff.browser, incomplete, COMPLETE, 'soumettre');
    expect(submitted.url.search).toBe('?soumise=1');
    expect(textOf(submitted.body)).toContain('Votre demande est soumise.');
    expect(submitted.body).not.toContain('name="action" value="soumettre"');
    expect(
      (
        await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${id}`, {
          form: { _csrf: formWithAction(submitted.body, /\/messages$/).fields._csrf ?? '', intitule: 'x', action: 'brouillon' },
        })
      ).status,
    ).toBe(409);

    // Instruction: only instructors; a request for changes needs a message.
    const notInstructor = await signIn('/instruction', 'agent.cantine');
    expect(notInstructor.page.status).toBe(403);
    const instructor = await signIn('/instruction', 'instructeur');
    expect(instructor.page.body).toContain(`data-numero="${number}"`);
    const file = await instructor.browser.visit(`${stack.portalUrl}/instruction/demandes/${id}`);
    expect(textOf(file.body)).toContain('Calculer le tarif du centre de loisirs selon le quotient familial.');
    const decision = formWithAction(file.body, `/instruction/demandes/${id}/decision`);
    const decideAs = (fields: Record<string, string>) =>
      instructor.browser.visit(new URL(decision.action, stack.portalUrl), { form: { _csrf: decision.fields._csrf ?? '', ...fields } });
    expect((await decideAs({ decision: 'modifications_demandees', message: '' })).status).toBe(400);
    await decideAs({ decision: 'modifications_demandees', message: 'Précisez la délibération : sa date exacte.' });
    expect((await requestRow()).state).toBe('modifications_demandees');

    // The service reads the message, corrects and submits again.
    const asked = await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${id}`);
    expect(textOf(asked.body)).toContain('Hélène LEROY (instruction) a demandé des modifications : Précisez la délibération : sa date exacte.');
    await post(staff.browser, asked, { ...COMPLETE, cadre_juridique: `${COMPLETE.cadre_juridique}, publiée le 15 mars 2026` }, 'soumettre');
    expect((await requestRow()).state).toBe('soumise');

    // Approved: the organisation, the service and its 18-month habilitation exist.
    await decideAs({ decision: 'validee', message: '' });
    const approved = await requestRow();
    expect(approved).toMatchObject({ state: 'validee' });
    const clientId = approved.client_id ?? '';
    const service = await db.selectFrom('service_provider').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(service).toMatchObject({
      procedure_name: 'Tarif du centre de loisirs',
      display_name: 'Commune de Bois-Joli',
      redirect_uris: JSON.stringify([`${SP_ORIGIN}/retour`]),
    });
    const habilitation = await db
      .selectFrom('habilitation')
      .selectAll()
      .where('id', '=', approved.habilitation_id ?? '')
      .executeTakeFirstOrThrow();
    expect(habilitation).toMatchObject({ client_id: clientId, scopes: '["cnaf_quotient_familial"]', retention_days: 365 });

    // The secret, once.
    const page = await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${id}`);
    expect(page.body).toContain(`data-testid="client-id">${clientId}<`);
    const reveal = formWithAction(page.body, `/fournisseurs/demandes/${id}/secret`);
    const shown = await staff.browser.visit(new URL(reveal.action, stack.portalUrl), { form: reveal.fields });
    const secret = /data-testid="secret">([^<]+)</.exec(shown.body)?.[1] ?? '';
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    const again = await staff.browser.visit(new URL(reveal.action, stack.portalUrl), { form: reveal.fields });
    expect(again.body).not.toContain(secret);
    expect(textOf(again.body)).toContain('Ce secret a déjà été affiché');
    expect(await db.selectFrom('credential_handover').selectAll().execute()).toEqual([]);

    // With them, the service runs a journey and reads the justificatif.
    const sp = await serviceProviderClient(`${stack.portalUrl}/oidc`, clientId, { secret }, `${SP_ORIGIN}/retour`);
    const { url, checks } = await sp.authorizationUrl('openid cnaf_quotient_familial');
    const citizen = new TestBrowser();
    const { callback } = await decide(citizen, await reachConsentPage(citizen, url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    const { access_token: accessToken } = await sp.redeem(callback, checks);
    const read = await fetch(`${stack.portalUrl}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { justificatif: { destinataire: { demarche: string } } }).justificatif.destinataire.demarche).toBe(
      'Tarif du centre de loisirs',
    );

    // Thirty days before its end, the contacts get a reminder, which the local mail catcher shows.
    const registry = createRegistry(db, { allowLocalHttp: true, now: () => habilitation.valid_until - 30 * DAY });
    await noticeExpiringHabilitations({
      db,
      registry,
      outbox: { record: async () => undefined },
      journal: createJournal(db, Buffer.from(stack.config.journal.key, 'base64url')),
      now: () => habilitation.valid_until - 30 * DAY,
    });
    expect(
      await mailExpiryNotices({
        db,
        registry,
        mailer: stack.services.mailer,
        contactsOf: (habilitationId) => habilitationContacts(db, habilitationId),
        publicUrl: stack.portalUrl,
        logger: createLogger('silent'),
        now: () => habilitation.valid_until - 30 * DAY,
      }),
    ).toBe(1);
    const inbox = (await (await fetch(`${stack.services.mailCatcher?.web.origin}/messages.json`)).json()) as {
      messages: Array<{ to: string[]; subject: string; text: string; html?: string }>;
    };
    const reminders = inbox.messages.filter((message) => message.subject === 'Votre habilitation prend fin dans 30 jours – Passerelle Particulier');
    expect(reminders.flatMap((message) => message.to).sort()).toEqual(['ines.garnier@bois-joli.fr', 'paul.roche@bois-joli.fr']);
    expect(reminders[0]?.text).toContain(`${stack.portalUrl}/fournisseurs`);
    expect(reminders[0]?.html).toContain(`<a href="${stack.portalUrl}/fournisseurs">`);

    // « Prolonger », from three months before the end: a lighter request, which an instructor approves.
    await db
      .updateTable('habilitation')
      .set({ valid_until: Date.now() + 30 * DAY })
      .where('id', '=', habilitation.id)
      .execute();
    const space = await staff.browser.visit(`${stack.portalUrl}/fournisseurs`);
    const link = new RegExp(`href="(/fournisseurs/habilitations/${habilitation.id}/prolongation)"`).exec(space.body)?.[1] ?? '';
    const prolongPage = await staff.browser.visit(`${stack.portalUrl}${link}`);
    const prolongForm = formWithAction(prolongPage.body, link);
    const prolonged = await staff.browser.visit(new URL(prolongForm.action, stack.portalUrl), {
      form: { ...prolongForm.fields, message: 'Même démarche, un agent d’accueil de plus.' },
    });
    expect(textOf(prolonged.body)).toContain(`Prolongation de l’habilitation ${habilitation.id}`);
    const prolongation = await requestRow();
    const prolongFile = await instructor.browser.visit(`${stack.portalUrl}/instruction/demandes/${prolongation.id}`);
    expect(prolongFile.body).not.toContain('value="modifications_demandees"');
    const prolongDecision = formWithAction(prolongFile.body, `/instruction/demandes/${prolongation.id}/decision`);
    // Without the message field at all: an approval needs none.
    const prolongDecided = await instructor.browser.visit(new URL(prolongDecision.action, stack.portalUrl), {
      form: { _csrf: prolongDecision.fields._csrf ?? '', decision: 'validee' },
    });
    expect(prolongDecided.url.search).toBe('?decision=1');
    const renewed = await db.selectFrom('habilitation').select('valid_until').where('id', '=', habilitation.id).executeTakeFirstOrThrow();
    expect(renewed.valid_until).toBeGreaterThan(Date.now() + 500 * DAY);

    // The space now lists the service; the history has every step; so has the journal.
    expect(textOf((await staff.browser.visit(`${stack.portalUrl}/fournisseurs`)).body)).toMatch(
      new RegExp(
        `Tarif du centre de loisirs : page du service Bac à sable — ${clientId} : identifiants, activité, événements\\s+Habilitation hab-[0-9a-f]+ : active`,
      ),
    );
    const history = textOf((await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${id}`)).body);
    expect(history).toMatch(
      /Inès GARNIER a créé la demande.*Inès GARNIER a soumis la demande.*a demandé des modifications.*Inès GARNIER a soumis la demande.*Hélène LEROY \(instruction\) a validé la demande/,
    );

    // The service's page: its activity (the journey above) and its credentials, which the requester renews with an
    // overlap, ends early, then replaces with keys published at an address.
    const servicePath = `${stack.portalUrl}/fournisseurs/services/${clientId}`;
    const servicePage = await staff.browser.visit(servicePath);
    expect(servicePage.status).toBe(200);
    expect(textOf(servicePage.body)).toContain('Transmises avec toutes les informations : 1');
    expect(textOf(servicePage.body)).toContain('HTTP 200 (justificatif servi) : 1');
    const renewForm = formWithAction(servicePage.body, `/fournisseurs/services/${clientId}/secret`);
    expect(renewForm.fields.chevauchement).toBe('7');
    const secretPage = await staff.browser.visit(new URL(renewForm.action, stack.portalUrl), { form: renewForm.fields });
    expect(secretPage.headers.get('cache-control')).toBe('no-store');
    const newSecret = /data-testid="secret">([^<]+)</.exec(secretPage.body)?.[1] ?? '';
    expect(newSecret).toMatch(/^[\w-]{43}$/);
    expect(textOf(secretPage.body)).toMatch(
      /L’ancien secret fonctionne encore jusqu’au \d+ \S+ \d{4} à \d{2}:\d{2} ; vous pouvez l’arrêter plus tôt/,
    );
    const accepted = (candidate: string) => secretAccepted(`${stack.portalUrl}/oidc`, clientId, candidate, `${SP_ORIGIN}/retour`);
    expect([await accepted(secret), await accepted(newSecret)]).toEqual([true, true]);
    const during = await staff.browser.visit(servicePath);
    expect(during.body).toContain('data-testid="ancien-secret"');
    const end = formWithAction(during.body, `/fournisseurs/services/${clientId}/ancien-secret`);
    const ended = await staff.browser.visit(new URL(end.action, stack.portalUrl), { form: end.fields });
    expect(textOf(ended.body)).toContain('L’ancien secret ne fonctionne plus : seul le nouveau est accepté.');
    expect([await accepted(secret), await accepted(newSecret)]).toEqual([false, true]);
    // Ended twice (a page opened before): a clear refusal, not a 500.
    expect((await staff.browser.visit(new URL(end.action, stack.portalUrl), { form: end.fields })).status).toBe(409);
    const keys = formWithAction(ended.body, `/fournisseurs/services/${clientId}/cles`);
    const badKeys = await staff.browser.visit(new URL(keys.action, stack.portalUrl), {
      form: { ...keys.fields, jwks_uri: 'ftp://bois-joli.fr/jwks' },
    });
    expect(badKeys.status).toBe(400);
    expect(textOf(badKeys.body)).toContain('Saisissez l’adresse https exacte où votre service publie ses clés publiques.');
    expect(badKeys.body).toContain('value="ftp://bois-joli.fr/jwks"');
    const goodKeys = await staff.browser.visit(new URL(keys.action, stack.portalUrl), {
      form: { ...keys.fields, jwks_uri: 'https://bois-joli.fr/.well-known/jwks.json' },
    });
    expect(textOf(goodKeys.body)).toContain('Votre service s’authentifie désormais avec sa clé privée');
    expect(
      await db.selectFrom('service_provider').select(['auth_method', 'jwks_uri', 'secret_hash']).where('client_id', '=', clientId).executeTakeFirst(),
    ).toEqual({
      auth_method: 'private_key_jwt',
      jwks_uri: 'https://bois-joli.fr/.well-known/jwks.json',
      secret_hash: null,
    });
    expect(
      (await db.selectFrom('journal_entry').select('type').where('type', 'like', 'service_provider.%').orderBy('seq').execute()).map(
        (row) => row.type,
      ),
    ).toEqual(['service_provider.secret_renewed', 'service_provider.secret_overlap_ended', 'service_provider.keys_address_set']);
    // Another organisation does not see the service; an organisation's agent sees a service the operators registered
    // but may not change its credentials.
    expect((await other.browser.visit(servicePath)).status).toBe(404);
    const cantine = await signIn('/fournisseurs', 'admin.cantine');
    const seeded = await cantine.browser.visit(`${stack.portalUrl}/fournisseurs/services/${stack.config.demoServiceProvider.clientId}`);
    expect(seeded.status).toBe(200);
    expect(textOf(seeded.body)).toContain(
      'Seuls la personne qui a demandé l’habilitation de ce service et son contact technique peuvent changer ses identifiants.',
    );
    const refusedRenewal = await cantine.browser.visit(
      `${stack.portalUrl}/fournisseurs/services/${stack.config.demoServiceProvider.clientId}/secret`,
      {
        form: { _csrf: formWithAction(cantine.page.body, '/fournisseurs/deconnexion').fields._csrf ?? '', chevauchement: '0' },
      },
    );
    expect(refusedRenewal.status).toBe(403);
    expect(textOf(refusedRenewal.body)).toContain('Seuls le demandeur et le contact technique du service peuvent changer ses identifiants');

    // Ready, the service asks for production: a second approval gives a production service of its own, its secret
    // shown once; the citizen signed in for the service in « bac à sable » signs in again for production.
    const sandboxPage = await staff.browser.visit(servicePath);
    expect(sandboxPage.body).toContain('data-testid="environnement">Bac à sable<');
    const ask = formWithAction(sandboxPage.body, `/fournisseurs/services/${clientId}/production`);
    const askProduction = (fields: Record<string, string>) =>
      staff.browser.visit(new URL(ask.action, stack.portalUrl), { form: { ...ask.fields, webhook_url: '', note: '', ...fields } });
    const wrongAddress = await askProduction({ redirect_uris: 'http://bois-joli.fr/retour' });
    expect(wrongAddress.status).toBe(400);
    expect(textOf(wrongAddress.body)).toContain('Chaque adresse de retour commence par https://');
    expect(wrongAddress.body).toContain('>http://bois-joli.fr/retour</textarea>');
    const askedProduction = await askProduction({ redirect_uris: `${SP_ORIGIN}/production`, note: 'Mise en service le 4 janvier.' });
    expect(askedProduction.url.search).toBe('?soumise=1');
    expect(textOf(askedProduction.body)).toContain('Passage en production de « Tarif du centre de loisirs »');
    const productionRequest = await requestRow();
    expect(productionRequest).toMatchObject({ kind: 'production', source_client_id: clientId, state: 'soumise', client_id: null });
    expect((await askProduction({ redirect_uris: `${SP_ORIGIN}/production` })).status).toBe(409);
    const productionFile = await instructor.browser.visit(`${stack.portalUrl}/instruction/demandes/${productionRequest.id}`);
    expect(textOf(productionFile.body)).toContain(`Service en bac à sable : ${clientId}`);
    expect(textOf(productionFile.body)).toContain('Mise en service le 4 janvier.');
    const productionDecision = formWithAction(productionFile.body, `/instruction/demandes/${productionRequest.id}/decision`);
    await instructor.browser.visit(new URL(productionDecision.action, stack.portalUrl), {
      form: { _csrf: productionDecision.fields._csrf ?? '', decision: 'validee' },
    });
    const productionId = (
      await db.selectFrom('habilitation_request').select('client_id').where('id', '=', productionRequest.id).executeTakeFirstOrThrow()
    ).client_id;
    const productionService = await db
      .selectFrom('service_provider')
      .selectAll()
      .where('client_id', '=', productionId ?? '')
      .executeTakeFirstOrThrow();
    expect(productionService).toMatchObject({ environment: 'production', redirect_uris: JSON.stringify([`${SP_ORIGIN}/production`]) });
    expect(
      await db
        .selectFrom('habilitation')
        .select('scopes')
        .where('client_id', '=', productionId ?? '')
        .executeTakeFirst(),
    ).toEqual({
      scopes: '["cnaf_quotient_familial"]',
    });
    const productionPage = await staff.browser.visit(`${stack.portalUrl}/fournisseurs/demandes/${productionRequest.id}`);
    expect(textOf(productionPage.body)).toContain('Votre service passe en production');
    const productionReveal = formWithAction(productionPage.body, `/fournisseurs/demandes/${productionRequest.id}/secret`);
    const productionSecret =
      /data-testid="secret">([^<]+)</.exec(
        (await staff.browser.visit(new URL(productionReveal.action, stack.portalUrl), { form: productionReveal.fields })).body,
      )?.[1] ?? '';
    // The production service's credentials are kept by the same people: its page offers the renewal.
    const productionServicePage = await staff.browser.visit(`${stack.portalUrl}/fournisseurs/services/${productionId}`);
    expect(productionServicePage.body).toContain('data-testid="environnement">Production<');
    expect(productionServicePage.body).toContain(`action="/fournisseurs/services/${productionId}/secret"`);
    const live = await serviceProviderClient(`${stack.portalUrl}/oidc`, productionId ?? '', { secret: productionSecret }, `${SP_ORIGIN}/production`);
    const production = await live.authorizationUrl('openid cnaf_quotient_familial');
    // Signed in through the test platform for the service in « bac à sable »: not signed in for production.
    const requestPage = await citizen.visit(production.url, {}, (next) => next.origin === SP_ORIGIN);
    expect(requestPage.body).toMatch(/action="\/demande\/[^/"]+\/franceconnect"/);
    expect(requestPage.body).not.toContain('data-testid="bac-a-sable"');
    const transmitted = await decide(citizen, await reachConsentPage(citizen, production.url, SP_ORIGIN), 'transmettre', SP_ORIGIN);
    expect((await live.redeem(transmitted.callback, production.checks)).scope).toBe('openid cnaf_quotient_familial');

    expect(await journaled()).toEqual([
      'habilitation_request.created',
      'habilitation_request.submitted',
      'habilitation_request.changes_requested',
      'habilitation_request.submitted',
      'habilitation_request.approved',
      'habilitation_request.secret_shown',
      'habilitation_request.created',
      'habilitation_request.submitted',
      'habilitation_request.approved',
      'habilitation_request.created',
      'habilitation_request.submitted',
      'habilitation_request.approved',
      'habilitation_request.secret_shown',
    ]);
  });
});
