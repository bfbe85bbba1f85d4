import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDailyDigests } from '../src/agent/daily-digest.js';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { createLogger } from '../src/http/logger.js';
import { verifyAgainstAnchors } from '../src/journal/anchors.js';
import { createJournal, verifyJournal } from '../src/journal/journal.js';
import { purgeExpiredJustificatifs } from '../src/justificatif/retention.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { parisDay, parisMidnight } from '../src/wording/dates.fr.js';
import { type Page, TestBrowser } from './helpers/browser.js';
import { asDatabaseOwner } from './helpers/database.js';
import { formWithAction, textOf, titleOf } from './helpers/html.js';
import { signInWithProConnect } from './helpers/journeys.js';
import { decide, reachConsentPage } from './helpers/service-provider.js';
import { closedPort, type Stack, startStack } from './helpers/stack.js';

let stack: Stack;
const journalKey = () => Buffer.from(stack.config.journal.key, 'base64url');
let db: Kysely<Database>;
let reference: string;
let referenceOfB: string;

/** Agents' sign-in page → ProConnect (local) → back in the agents' space. */
async function signInAsAgent(login: string, browser = new TestBrowser()): Promise<{ browser: TestBrowser; page: Page }> {
  return { browser, page: await signInWithProConnect(browser, stack.portalUrl, '/agents/connexion', '/agents/connexion/proconnect', login) };
}

/** A citizen transmits through the demo SP (Mairie d’Exempleville); returns the justificatif's printed number. */
async function transmitThroughDemoSp(login = 'test'): Promise<string> {
  const browser = new TestBrowser();
  const consent = await reachConsentPage(browser, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl, login);
  await decide(browser, consent, 'transmettre', stack.demoSpUrl);
  const row = await db.selectFrom('justificatif').select('reference').orderBy('issued_at', 'desc').limit(1).executeTakeFirstOrThrow();
  return row.reference ?? '';
}

const entries = (type: string) => db.selectFrom('journal_entry').selectAll().where('type', '=', type).orderBy('seq').execute();

const logLines: string[] = [];

beforeAll(async () => {
  stack = await startStack({}, { write: (line: string) => void logLines.push(line) });
  db = openDatabase(stack.config.database);
  reference = await transmitThroughDemoSp();
  // A justificatif for the second organisation (Val-Fictif), through its seeded habilitation.
  await db
    .insertInto('justificatif')
    .values({
      ...(await db.selectFrom('justificatif').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow()),
      id: 'autre-organisation',
      client_id: 'demo-transport-val-fictif',
      reference: 'PP-2026-VALF-0001',
      consent_id: (await db.selectFrom('consent').select('id').executeTakeFirstOrThrow()).id,
    })
    .execute();
  referenceOfB = 'PP-2026-VALF-0001';
});
afterAll(async () => {
  await db.destroy();
  await stack.stop();
});

describe('agents of the demo organisation', () => {
  it('sign in with ProConnect, find the justificatif by name or birth date, open it and print it, each view recorded', async () => {
    const { browser, page } = await signInAsAgent('agent.cantine');
    expect(page.url.pathname).toBe('/agents/justificatifs');
    expect(titleOf(page.body)).toBe('Justificatifs reçus – Espace agents – Passerelle Particulier');
    expect(textOf(page.body)).toContain('Camille MARTIN, Mairie d’Exempleville');
    expect(page.body).toContain(`data-reference="${reference}"`);
    expect(page.body).not.toContain(referenceOfB);
    // The list names the person, for agents only, and says what this agent has not opened yet.
    const row = (body: string) => new RegExp(`<tr data-reference="${reference}">[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '';
    expect(textOf(row(page.body))).toContain('Angela Claire Louise DUBOIS');
    expect(textOf(row(page.body))).toContain('Date de naissance : 24/08/1962');
    expect(textOf(row(page.body))).toContain('Non lu');
    expect(page.body).toMatch(/data-testid="unread-count">\d+ non lus?</);

    for (const typed of ['dubois', '24/08/1962', 'Angéla', reference.toLowerCase().replaceAll('-', ' ')]) {
      const found = await browser.visit(`${stack.portalUrl}/agents/justificatifs?recherche=${encodeURIComponent(typed)}`);
      expect(found.body, typed).toContain(`data-reference="${reference}"`);
      expect(textOf(found.body), typed).toContain('correspondant à la recherche');
    }
    expect(textOf((await browser.visit(`${stack.portalUrl}/agents/justificatifs?recherche=durand`)).body)).toContain(
      'Aucun justificatif ne correspond à cette recherche.',
    );

    const detail = await browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}`);
    expect(detail.status).toBe(200);
    const text = textOf(detail.body);
    expect(text).toContain('Angela Claire Louise DUBOIS');
    expect(text).toContain('Date de naissance : 24/08/1962');
    // The canteen's habilitation asks for the bracket: its agents never see the value.
    expect(text).toContain('Tranche de quotient familial : 450–800 (octobre 2026, calculé par la CAF)');
    expect(text).toContain('Nombre d’enfants : 2 de moins de 18 ans');
    expect(text).not.toMatch(/620|Lucie|Hugo/);
    expect(text).toMatch(
      /Quotient familial Source : Caisse d’allocations familiales \(CAF\) ou Mutualité sociale agricole \(MSA\), information obtenue le \d+ \S+ \d{4}\./,
    );
    expect(text).toContain('Signature valide : le contenu n’a pas changé depuis son émission par Passerelle Particulier');
    expect(text).toContain('Votre consultation a été enregistrée');
    // The agent reads about someone else: items are named in the third person, not as the citizen saw them.
    expect(detail.body).toContain('<h2 class="fr-h4 fr-mt-3w">Quotient familial</h2>');
    expect(detail.body).toContain('<h2 class="fr-h4 fr-mt-3w">Enfants du foyer</h2>');
    expect(text).not.toMatch(/\b(Votre|Vos) (quotient|enfants|allocataires)/);
    // Opened: no longer new to this agent.
    expect(textOf(row((await browser.visit(`${stack.portalUrl}/agents/justificatifs`)).body))).not.toContain('Non lu');

    const print = await browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}/impression`);
    const printed = textOf(print.body);
    expect(printed).toContain('Angela Claire Louise DUBOIS');
    expect(printed).toContain('Date de naissance : 24/08/1962');
    expect(printed).toContain('Tranche de quotient familial : 450–800');
    expect(printed).toContain(`Vérifier ce document : ${stack.portalUrl}/verifier, numéro ${reference}`);
    expect(printed).toContain('Imprimé le');
    expect(print.body).toContain('<li class="fr-hidden" data-print><button class="fr-btn fr-icon-printer-line" type="button">Imprimer</button></li>');
    // The QR code is the one of this number's /verifier address (decoded from the pixels in the browser journeys).
    const verifyUrl = `${stack.portalUrl}/verifier?numero=${reference}`;
    expect(print.body).toContain(await QRCode.toString(verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
    expect((await browser.visit(verifyUrl)).status).toBe(200);

    const views = await entries('agent.view');
    const prints = await entries('agent.print');
    expect(views.at(-1)).toMatchObject({ actor: expect.stringMatching(/^agent:/), subject: expect.stringMatching(/^justificatif:/) });
    expect(JSON.parse(prints.at(-1)?.data ?? '{}')).toEqual({ reference });
    expect(JSON.parse((await entries('agent.search')).at(-5)?.data ?? '{}')).toEqual({ filters: { nom: ['dubois'] } });
  });

  it('exports the filtered list as CSV for spreadsheets, with names, and records the export', async () => {
    const { browser } = await signInAsAgent('agent.cantine');
    const exported = await browser.visit(`${stack.portalUrl}/agents/justificatifs/export.csv?recherche=dubois`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="?justificatifs-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const [header, ...lines] = exported.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header).toBe('Numéro;Reçu le;Nom;Date de naissance;Démarche;Contenu;Conservé jusqu’au');
    expect(lines.find((line) => line.startsWith(reference))).toMatch(
      new RegExp(`^${reference};\\d{2}/\\d{2}/\\d{4};Angela Claire Louise DUBOIS;24/08/1962;Tarif de la cantine scolaire;Complet;`),
    );
    expect(exported.body).not.toContain(referenceOfB);
    expect(JSON.parse((await entries('agent.export')).at(-1)?.data ?? '{}')).toMatchObject({ filters: { nom: ['dubois'] } });
  });

  it('a filtered list is a search, and is recorded', async () => {
    const { browser } = await signInAsAgent('agent.cantine');
    const today = new Date().toISOString().slice(0, 10);
    const page = await browser.visit(`${stack.portalUrl}/agents/justificatifs?du=${today}&statut=complet`);
    expect(page.body).toContain(`data-reference="${reference}"`);
    expect(JSON.parse((await entries('agent.search')).at(-1)?.data ?? '{}')).toMatchObject({ filters: { du: today, statut: 'complet' } });
    const none = await browser.visit(`${stack.portalUrl}/agents/justificatifs?statut=expire`);
    expect(none.body).not.toContain('data-reference=');
  });

  it('only administrators manage the organisation’s agents and read its journal', async () => {
    const reader = await signInAsAgent('agent.cantine');
    expect((await reader.browser.visit(`${stack.portalUrl}/agents/equipe`)).status).toBe(403);
    expect((await reader.browser.visit(`${stack.portalUrl}/agents/journal`)).status).toBe(403);
    const { browser } = await signInAsAgent('admin.cantine');
    const team = await browser.visit(`${stack.portalUrl}/agents/equipe`);
    expect(textOf(team.body)).toContain('camille.martin@exempleville.fr');
    const form = formWithAction(team.body, '/agents/equipe');
    const invalid = await browser.visit(`${stack.portalUrl}/agents/equipe`, { form: { ...form.fields, email: 'pas-une-adresse', role: 'lecteur' } });
    expect(invalid.status).toBe(400);
    // A role outside the list (only a tampered form sends one) is announced on its field too, in French.
    const tampered = await browser.visit(`${stack.portalUrl}/agents/equipe`, {
      form: { ...form.fields, email: 'nouvel.agent@exempleville.fr', role: 'chef' },
    });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('<a href="#role">Choisissez le rôle de l’agent : lecteur ou administrateur.</a>');
    expect(tampered.body).toMatch(
      /<select class="fr-select fr-select--error" id="role" name="role" aria-invalid="true" aria-describedby="role-messages">/,
    );
    expect(textOf(tampered.body)).not.toContain('nouvel.agent@exempleville.fr');
    const added = await browser.visit(`${stack.portalUrl}/agents/equipe`, {
      form: { ...form.fields, email: 'nouvel.agent@exempleville.fr', role: 'lecteur' },
    });
    expect(textOf(added.body)).toContain('nouvel.agent@exempleville.fr');
    await browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}`);
    const journal = await browser.visit(`${stack.portalUrl}/agents/journal`);
    const journalText = textOf(journal.body);
    expect(journalText).toContain('Consultation d’un justificatif');
    expect(journalText).toContain('Transmission acceptée par l’usager');
    const table = journal.body.slice(journal.body.indexOf('<table>'));
    expect(table).not.toMatch(/agent\.view|consent\.transmitted|agent:[0-9a-f-]{36}|justificatif:/);
    expect(journal.body).toMatch(new RegExp(`<td data-label="Objet">${reference}</td>`));
    expect(journal.body).toMatch(/<td data-label="Auteur">Sophie BERNARD<\/td>/);
    // Citizens appear under a pseudonym of this organisation's, never under their portal-wide subject.
    expect(journal.body).toMatch(/<td data-label="Auteur">Usager n° [0-9A-F]{8}<\/td>/);
    expect(journal.body).not.toContain('citizen:');
    expect(textOf(table)).not.toContain('Connexion refusée');

    const views = await browser.visit(`${stack.portalUrl}/agents/journal?evenement=agent.view`);
    expect([...views.body.matchAll(/<td data-label="Événement">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(
      expect.arrayContaining(['Consultation d’un justificatif']),
    );
    expect(new Set([...views.body.matchAll(/<td data-label="Événement">([^<]*)<\/td>/g)].map((m) => m[1]))).toEqual(
      new Set(['Consultation d’un justificatif']),
    );
    const csv = await browser.visit(`${stack.portalUrl}/agents/journal/export.csv?evenement=agent.view`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('N°;Date;Événement;Auteur;Objet;Détail');
    expect(csv.body).toContain(`;Consultation d’un justificatif;Sophie BERNARD;${reference};`);
    expect(JSON.parse((await entries('journal.export')).at(-1)?.data ?? '{}')).toMatchObject({ filters: { evenement: 'agent.view' } });

    // The team page names agents and changes a role after a confirmation; the last administrator stays one.
    const named = textOf((await browser.visit(`${stack.portalUrl}/agents/equipe`)).body);
    expect(named).toContain('Camille MARTIN');
    expect(named).toContain('nouvel.agent@exempleville.fr');
    expect(named).toContain('Jamais connecté(e)');
    const members = await db.selectFrom('agent').select(['id', 'email', 'given_name']).execute();
    const newcomer = members.find((m) => m.email === 'nouvel.agent@exempleville.fr')?.id ?? '';
    const confirm = await browser.visit(`${stack.portalUrl}/agents/equipe/${newcomer}/role`);
    expect(textOf(confirm.body)).toMatch(
      /nouvel\.agent@exempleville\.fr est aujourd’hui lecteur\s*\. Après ce changement, il ou elle sera administrateur\s*\./,
    );
    const roleForm = formWithAction(confirm.body, `/agents/equipe/${newcomer}/role`);
    const changed = await browser.visit(new URL(roleForm.action, stack.portalUrl), { form: roleForm.fields });
    expect(textOf(changed.body)).toContain('Le rôle a été changé.');
    expect(changed.body).toMatch(/<tr data-agent="nouvel\.agent@exempleville\.fr">[\s\S]*?Administrateur/);
    expect(JSON.parse((await entries('agent.role_changed')).at(-1)?.data ?? '{}')).toEqual({ from: 'lecteur', to: 'administrateur' });
    // Back to reader; then the only other administrator cannot make themself a reader.
    const back = formWithAction((await browser.visit(`${stack.portalUrl}/agents/equipe/${newcomer}/role`)).body, `/agents/equipe/${newcomer}/role`);
    await browser.visit(new URL(back.action, stack.portalUrl), { form: back.fields });
    const self = members.find((m) => m.given_name === 'Sophie')?.id ?? '';
    const selfForm = formWithAction((await browser.visit(`${stack.portalUrl}/agents/equipe/${self}/role`)).body, `/agents/equipe/${self}/role`);
    const refused = await browser.visit(new URL(selfForm.action, stack.portalUrl), { form: selfForm.fields });
    expect(refused.status).toBe(409);
    expect(textOf(refused.body)).toContain('Votre organisation doit garder au moins un administrateur');
  });

  it('an agent removed, or given a lesser role, loses that access at once, without waiting for the session to end', async () => {
    const reader = await signInAsAgent('agent.cantine');
    expect((await reader.browser.visit(`${stack.portalUrl}/agents/justificatifs`)).status).toBe(200);
    const admin = await signInAsAgent('admin.cantine');
    const team = await admin.browser.visit(`${stack.portalUrl}/agents/equipe`);
    const { id } = await db.selectFrom('agent').select('id').where('email', '=', 'camille.martin@exempleville.fr').executeTakeFirstOrThrow();
    const removal = formWithAction(team.body, `/agents/equipe/${id}/retrait`);
    await admin.browser.visit(new URL(removal.action, stack.portalUrl), { form: removal.fields });

    const refused = await reader.browser.visit(`${stack.portalUrl}/agents/justificatifs/${reference}`);
    expect(refused.url.pathname).toBe('/agents/connexion');
    expect(textOf(refused.body)).toContain('Votre accès à l’espace agents a été retiré par un administrateur de votre organisation.');
    expect(textOf(refused.body)).not.toContain('Angela');
    expect((await reader.browser.visit(`${stack.portalUrl}/agents/justificatifs`)).url.pathname).toBe('/agents/connexion');

    // Back in the team for the other tests; and an administrator made a reader stops managing the team.
    const form = formWithAction((await admin.browser.visit(`${stack.portalUrl}/agents/equipe`)).body, '/agents/equipe');
    await admin.browser.visit(`${stack.portalUrl}/agents/equipe`, {
      form: { ...form.fields, email: 'camille.martin@exempleville.fr', role: 'lecteur' },
    });
    await db.updateTable('agent').set({ role: 'lecteur' }).where('email', '=', 'sophie.bernard@exempleville.fr').execute();
    try {
      expect((await admin.browser.visit(`${stack.portalUrl}/agents/equipe`)).status).toBe(403);
      expect((await admin.browser.visit(`${stack.portalUrl}/agents/justificatifs`)).status).toBe(200);
    } finally {
      await db.updateTable('agent').set({ role: 'administrateur' }).where('email', '=', 'sophie.bernard@exempleville.fr').execute();
    }
  });
});

describe('the administrators’ dashboard', () => {
  it('shows each procedure’s requests and the API’s answers to it, from the journal; readers do not see it', async () => {
    const citizen = new TestBrowser();
    const consent = await reachConsentPage(citizen, new URL('/connexion', stack.demoSpUrl), stack.demoSpUrl);
    // Back at the service, which reads the justificatif at once.
    await citizen.visit((await decide(citizen, consent, 'transmettre', stack.demoSpUrl)).callback);
    const admin = await signInAsAgent('admin.cantine');
    const page = await admin.browser.visit(`${stack.portalUrl}/agents/tableau-de-bord`);
    expect(page.status).toBe(200);
    const section =
      new RegExp(`<section[^>]*data-client-id="${stack.config.demoServiceProvider.clientId}"[\\s\\S]*?</section>`).exec(page.body)?.[0] ?? '';
    const text = textOf(section);
    expect(text).toContain('Tarif de la cantine scolaire');
    const transmitted = await entries('consent.transmitted');
    expect(Number(/Transmises avec toutes les informations : (\d+)/.exec(text)?.[1])).toBe(
      transmitted.filter((entry) => entry.organisation_id !== null && JSON.parse(entry.data).clientId === stack.config.demoServiceProvider.clientId)
        .length,
    );
    // The demo service read its justificatif at once.
    expect(text).toMatch(/HTTP 200 \(justificatif servi\) : \d+/);
    expect(text).toContain('Adresse de notification : ');
    expect(text).toMatch(
      /Limite de débit : \d+ appels? dans la minute en cours, sur \d+ permis par minute \(comptés par le serveur qui affiche cette page\)\./,
    );
    expect(page.body).toContain('href="/agents/tableau-de-bord" aria-current="page"');

    const reader = await signInAsAgent('agent.cantine');
    expect((await reader.browser.visit(`${stack.portalUrl}/agents/tableau-de-bord`)).status).toBe(403);
  });
});

describe('the ProConnect account of an agent', () => {
  it('is the first one to sign in with the address: another account with the same address is refused and recorded', async () => {
    const camille = () =>
      db.selectFrom('agent').select(['id', 'proconnect_sub']).where('email', '=', 'camille.martin@exempleville.fr').executeTakeFirstOrThrow();
    await signInAsAgent('agent.cantine');
    const { id, proconnect_sub: recorded } = await camille();
    expect(recorded).toBeTruthy();
    await db.updateTable('agent').set({ proconnect_sub: 'un-autre-compte' }).where('id', '=', id).execute();
    try {
      const { page } = await signInAsAgent('agent.cantine');
      expect(page.status).toBe(403);
      expect(textOf(page.body)).toContain('Erreur AGENT-003');
      expect((await camille()).proconnect_sub).toBe('un-autre-compte');
      expect((await entries('agent.denied')).at(-1)?.data).toContain('autre compte ProConnect');
    } finally {
      await db.updateTable('agent').set({ proconnect_sub: recorded }).where('id', '=', id).execute();
    }
  });
});

describe('isolation between organisations', () => {
  it('an agent of another organisation gets 404 by list, detail, print, guessed numbers and search, and each attempt is recorded', async () => {
    const { browser, page } = await signInAsAgent('agent.transport');
    expect(page.body).not.toContain(reference);
    expect(page.body).toContain(`data-reference="${referenceOfB}"`);
    const before = (await entries('agent.foreign_access')).length;
    for (const path of [
      `/agents/justificatifs/${reference}`,
      `/agents/justificatifs/${reference}/impression`,
      `/agents/justificatifs/${reference.toLowerCase()}`,
      '/agents/justificatifs/PP-2026-ZZZZ-ZZZZ',
    ]) {
      const response = await browser.visit(`${stack.portalUrl}${path}`);
      expect(response.status).toBe(404);
      expect(textOf(response.body)).not.toContain('Angela');
    }
    expect((await entries('agent.foreign_access')).length).toBe(before + 4);
    const search = await browser.visit(`${stack.portalUrl}/agents/justificatifs?demarche=${encodeURIComponent('Tarif de la cantine scolaire')}`);
    expect(search.body).not.toContain(reference);
  });

  it('an agent of no registered organisation is refused, and the attempt is recorded', async () => {
    const { page } = await signInAsAgent('agent.inconnu');
    expect(page.status).toBe(403);
    expect(textOf(page.body)).toContain('Vous n’êtes pas habilité(e) à utiliser l’espace agents');
    // The address is kept in the journal, for audit; the technical log does not repeat it.
    const portalLines = logLines.filter((line) => !/"component":"(proconnect|franceconnect|sandbox|demo)/.test(line));
    expect(portalLines.filter((line) => line.includes('lucas.petit'))).toEqual([]);
    expect(JSON.parse((await entries('agent.denied')).at(-1)?.data ?? '{}')).toEqual({
      email: 'lucas.petit@commune-voisine.fr',
      siret: '21999999900036',
    });
  });

  it('the agents’ pages require a signed-in agent', async () => {
    const response = await new TestBrowser().visit(`${stack.portalUrl}/agents/justificatifs/${reference}`, {}, () => false);
    expect(response.url.pathname).toBe('/agents/connexion');
  });
});

describe('the daily e-mail', () => {
  it('is asked for on its page, says how many arrived unread with a link and no data, once a day, journaled', async () => {
    const { browser } = await signInAsAgent('agent.cantine');
    const page = await browser.visit(`${stack.portalUrl}/agents/notifications`);
    expect(textOf(page.body)).toContain('Le courriel ne contient ni nom ni donnée');
    const form = formWithAction(page.body, '/agents/notifications');
    const saved = await browser.visit(new URL(form.action, stack.portalUrl), { form: { ...form.fields, quotidien: '1' } });
    expect(textOf(saved.body)).toContain('Votre choix est enregistré.');
    expect(saved.body).toContain('id="quotidien" name="quotidien" value="1" checked');

    const fresh = await transmitThroughDemoSp();
    const morning = parisMidnight(parisDay(Date.now())) + 8 * 60 * 60 * 1000;
    const now = Math.max(Date.now(), morning);
    const deps = {
      db,
      registry: createRegistry(db, { allowLocalHttp: true }),
      journal: createJournal(db, journalKey()),
      mailer: stack.services.mailer,
      publicUrl: stack.portalUrl,
      logger: createLogger('silent'),
    };
    expect(await sendDailyDigests(deps, now)).toBe(1);
    expect(await sendDailyDigests(deps, now + 60_000)).toBe(0);
    const inbox = (await (await fetch(`${stack.services.mailCatcher?.web.origin}/messages.json`)).json()) as {
      messages: Array<{ to: string[] | string; subject: string; text: string }>;
    };
    const mail = inbox.messages.find((message) => JSON.stringify(message.to).includes('camille.martin@exempleville.fr'));
    expect(mail?.subject).toMatch(/^\d+ nouveaux? justificatifs? à consulter – Passerelle Particulier$/);
    expect(mail?.text).toContain(`${stack.portalUrl}/agents/justificatifs?nonlus=1`);
    expect(mail?.text).not.toMatch(/DUBOIS|Angela|PP-\d{4}/);
    expect(mail?.text).not.toContain(fresh);
    expect((await entries('agent.digest_sent')).at(-1)).toMatchObject({ actor: 'system', subject: expect.stringMatching(/^agent:/) });
  });
});

describe('verification, retention and the journal', () => {
  it('/verifier reads the number as typed, says whether it is authentic, and shows what a paper is compared with', async () => {
    const browser = new TestBrowser();
    const typed = reference.toLowerCase().replace(/^pp-/, 'pp ').replaceAll('-', ' ');
    const valid = await browser.visit(`${stack.portalUrl}/verifier?numero=${encodeURIComponent(typed)}`);
    const text = textOf(valid.body);
    expect(text).toContain('Ce justificatif est authentique.');
    expect(text).toContain('pour Mairie d’Exempleville (démarche : Tarif de la cantine scolaire)');
    // What the paper carries and a forger would change: the QF and its month, the person's initials. Nothing that
    // identifies anyone: no name, no birth date, no children.
    expect(text).toContain('Personne : initiales A. C. L. D.');
    expect(text).toContain('Tranche de quotient familial : 450–800 (octobre 2026, calculé par la CAF)');
    expect(text).toContain('Enfants du foyer : transmise (valeur non affichée ici, car elle identifie la personne)');
    expect(text).not.toMatch(/Angela|DUBOIS|1962/);
    expect(JSON.parse((await entries('verification.checked')).at(-1)?.data ?? '{}')).toEqual({ result: 'valid' });
    expect((await entries('verification.checked')).at(-1)).toMatchObject({ actor: 'public', subject: expect.stringMatching(/^justificatif:/) });
    expect((await browser.visit(`${stack.portalUrl}/verifier?numero=PP-2026-ZZZZ-ZZZZ`)).status).toBe(404);
    const malformed = await browser.visit(`${stack.portalUrl}/verifier?numero=123`);
    expect(malformed.status).toBe(400);
    expect(textOf(malformed.body)).toContain('Le numéro doit avoir ce format : PP-2026-XXXX-XXXX.');

    const altered = await transmitThroughDemoSp('ne_en_corse');
    const row = await db.selectFrom('justificatif').select('content_hash').where('reference', '=', altered).executeTakeFirstOrThrow();
    await db
      .updateTable('justificatif')
      .set({ content_hash: (row.content_hash ?? '').replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })
      .where('reference', '=', altered)
      .execute();
    expect(textOf((await browser.visit(`${stack.portalUrl}/verifier?numero=${altered}`)).body)).toContain('Ce justificatif a été modifié.');
  });

  it('the purge erases data past retention, keeps a tombstone, and agents see it expired', async () => {
    const expiring = await transmitThroughDemoSp('jour_inconnu');
    await db
      .updateTable('justificatif')
      .set({ retention_until: Date.now() - 1000 })
      .where('reference', '=', expiring)
      .execute();
    expect(await purgeExpiredJustificatifs(db, createJournal(db, journalKey()))).toBe(1);
    const tombstone = await db.selectFrom('justificatif').selectAll().where('reference', '=', expiring).executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({ sealed: null, citizen_name_sealed: null });
    expect(tombstone.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tombstone.purged_at).toBeGreaterThan(0);
    expect(JSON.parse((await entries('justificatif.purged')).at(-1)?.data ?? '{}')).toMatchObject({
      reference: expiring,
      contentHash: tombstone.content_hash,
    });
    const { browser } = await signInAsAgent('agent.cantine');
    const list = await browser.visit(`${stack.portalUrl}/agents/justificatifs?statut=expire`);
    expect(list.body).toContain(`data-reference="${expiring}"`);
    expect(textOf((await browser.visit(`${stack.portalUrl}/agents/justificatifs/${expiring}`)).body)).toContain('Justificatif expiré');
    expect(textOf((await browser.visit(`${stack.portalUrl}/verifier?numero=${expiring}`)).body)).toContain('il a expiré');
  });

  it('journal verify passes on the intact chain and the running portal’s anchors, and names the row after one is modified directly', async () => {
    // The portal anchors its head at start and at every interval; one more now, as `journal anchor` would.
    await stack.services.anchoring.anchor();
    const result = await verifyAgainstAnchors(db, journalKey(), [stack.config.journal.anchorFile]);
    expect(result).toMatchObject({ brokenAt: undefined, badLines: [], absent: [] });
    expect(result.entries).toBeGreaterThan(10);
    expect(result.anchors.checked).toBeGreaterThanOrEqual(1);
    const victim = (await entries('agent.view'))[0];
    const rewrite = () =>
      db
        .updateTable('journal_entry')
        .set({ actor: 'agent:quelqu-un-d-autre' })
        .where('seq', '=', victim?.seq ?? 0)
        .execute();
    await expect(rewrite()).rejects.toThrow(/ajout seul/);
    await asDatabaseOwner(db, rewrite);
    expect(await verifyJournal(db, journalKey())).toMatchObject({ brokenAt: victim?.seq, reason: 'contenu modifié ou scellé avec une autre clé' });
  });
});

describe('public statistics page', () => {
  it('shows transmissions, consultations and availability from the journal, without personal data', async () => {
    const page = await new TestBrowser().visit(`${stack.portalUrl}/statistiques`);
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Statistiques d’utilisation');
    expect(page.body).toMatch(/<svg class="pp-chart" role="img"/);
    expect(text).toMatch(/Tarif de la cantine scolaire \d+ \d+ \d+/);
    expect(text).toContain('Quotient familial CAF et MSA');
    expect(text).not.toMatch(/Angela|DUBOIS|camille\.martin/);
  });
});

describe('ProConnect failures', () => {
  let offline: Stack;
  beforeAll(async () => {
    offline = await startStack({ LOCAL_UPSTREAMS: 'false', PC_ISSUER: `http://127.0.0.1:${await closedPort()}/api/v2` });
  });
  afterAll(() => offline.stop());

  it('ProConnect unreachable, or a callback without a sign-in under way, end on French pages', async () => {
    const browser = new TestBrowser();
    const start = await browser.visit(`${offline.portalUrl}/agents/connexion`);
    const form = formWithAction(start.body, '/agents/connexion/proconnect');
    const page = await browser.visit(new URL(form.action, offline.portalUrl), { form: form.fields });
    expect(page.status).toBe(502);
    expect(textOf(page.body)).toContain('ProConnect ne répond pas pour le moment.');
    const stale = await browser.visit(`${offline.portalUrl}/agents/connexion/callback?code=x&state=y`);
    expect(stale.status).toBe(400);
    expect(textOf(stale.body)).toContain('Erreur PC-003');
  });
});
