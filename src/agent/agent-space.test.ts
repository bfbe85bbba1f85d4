import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import { AppError } from '../http/errors.js';
import type { DataRequest } from '../registry/data-request.js';
import { parisDay } from '../wording/dates.fr.js';
import type { AgentSession } from './agent-session.js';
import { type AgentSpace, createAgentSpace, listStateOf } from './agent-space.js';
import type { AgentIdentity } from './proconnect.service.js';

const BELLERIVE = '21999999900010';
const PORTVILLE = '21333333300010';

let world: DomainWorld;
let space: AgentSpace;
let portville: DataRequest;
beforeAll(async () => {
  world = await domainWorld();
  portville = await world.serviceProvider({
    clientId: 'creche-portville',
    siret: PORTVILLE,
    name: 'Mairie de Portville',
    procedure: 'Inscription à la crèche',
  });
  space = createAgentSpace({
    db: world.db,
    registry: world.registry,
    justificatifs: world.justificatifs,
    journal: world.journal,
    citizenOfOrganisation: world.pseudonyms.citizenOfOrganisation,
  });
  await world.registry.addAgent({ siret: BELLERIVE, email: 'claire.roux@bellerive.fr', role: 'administrateur' });
  await world.registry.addAgent({ siret: BELLERIVE, email: 'hugo.petit@bellerive.fr', role: 'lecteur' });
});
afterAll(() => world.remove());

const identity = (email: string, sub = `pc-${email}`, siret = BELLERIVE): AgentIdentity => ({
  sub,
  email,
  givenName: 'Claire',
  usualName: 'ROUX',
  siret,
});
const entries = (type: string) => world.db.selectFrom('journal_entry').selectAll().where('type', '=', type).orderBy('seq').execute();
const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return error instanceof AppError ? error.code : String(error);
};
const transmit = (request: DataRequest, outcomes = [QF_FOUND], sub = 'sub-lucie') =>
  world.transmissions.decide({
    request,
    citizen: { sub, person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    outcomes,
    decision: 'transmitted',
  });

let claire: AgentSession;

describe('signing in to the agents’ space', () => {
  it('lets in an authorised address, records its ProConnect account and the sign-in', async () => {
    claire = await space.signIn(identity('claire.roux@bellerive.fr'), 'id-token');
    expect(claire).toMatchObject({
      email: 'claire.roux@bellerive.fr',
      organisationName: 'Mairie de Bellerive',
      role: 'administrateur',
      idToken: 'id-token',
    });
    expect((await entries('agent.signed_in')).at(-1)).toMatchObject({ actor: `agent:${claire.id}`, organisation_id: claire.organisationId });
  });

  it('refuses an address no one authorised (AGENT-001), and another ProConnect account on a known address (AGENT-003)', async () => {
    expect(await codeOf(space.signIn(identity('inconnu@bellerive.fr'), 'id'))).toBe('AGENT-001');
    expect(await codeOf(space.signIn(identity('claire.roux@bellerive.fr', 'pc-un-autre-compte'), 'id'))).toBe('AGENT-003');
    expect((await entries('agent.denied')).map((e) => JSON.parse(e.data).email)).toEqual(['inconnu@bellerive.fr', 'claire.roux@bellerive.fr']);
  });
});

describe('the organisation’s justificatifs', () => {
  it('lists its own only, with their procedure and state, and records a search with its parsed filters', async () => {
    const complete = await transmit(world.request);
    const nothing = await transmit(world.request, [QF_DOWN]);
    const foreign = await transmit(portville);
    const { rows, procedures } = await space.list(claire, {}, 1);
    const references = rows.map((row) => row.justificatif.reference);
    expect(references).toEqual(expect.arrayContaining([complete.justificatif?.reference, nothing.justificatif?.reference]));
    expect(references).not.toContain(foreign.justificatif?.reference);
    // 0 items of 2 obtained: "Aucune information", never "Partiel".
    expect(rows.find((row) => row.justificatif.reference === nothing.justificatif?.reference)).toMatchObject({
      procedure: 'Tarif de la cantine',
      state: 'aucune',
    });
    expect(procedures).toEqual(['Tarif de la cantine']);
    expect(await entries('agent.search')).toEqual([]);

    const searched = await space.list(claire, { statut: 'aucune', du: '2026-01-01' }, 1);
    expect(searched.rows.length).toBeGreaterThan(0);
    expect(searched.rows.every((row) => row.state === 'aucune')).toBe(true);
    expect(JSON.parse((await entries('agent.search')).at(-1)?.data ?? '{}')).toEqual({ filters: { statut: 'aucune', du: '2026-01-01' } });
    expect((await space.list(claire, { demarche: 'Inscription à la crèche' }, 1)).total).toBe(0);
    expect(JSON.parse((await entries('agent.search')).at(-1)?.data ?? '{}')).toEqual({ filters: { demarche: '(démarche inconnue)' } });
    expect((await space.list(claire, { demarche: 'Tarif de la cantine' }, 1)).total).toBeGreaterThan(0);
    expect(JSON.parse((await entries('agent.search')).at(-1)?.data ?? '{}')).toEqual({ filters: { demarche: 'Tarif de la cantine' } });
  });

  it('reads its own justificatif, opened and checked, and records the reading', async () => {
    const { justificatif } = await transmit(world.request);
    const read = await space.read(claire, justificatif?.reference ?? '', 'agent.print');
    expect(read).toMatchObject({
      procedure: 'Tarif de la cantine',
      opened: { state: 'valid', person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    });
    expect((await entries('agent.print')).at(-1)).toMatchObject({ subject: `justificatif:${justificatif?.id}`, actor: `agent:${claire.id}` });
  });

  it('answers 404 for another organisation’s justificatif as for an unknown number, and records the attempt', async () => {
    const { justificatif } = await transmit(portville);
    const before = (await entries('agent.view')).length;
    expect(await codeOf(space.read(claire, justificatif?.reference ?? '', 'agent.view'))).toBe('HTTP-404');
    expect(await codeOf(space.read(claire, 'PP-2026-0000-0000', 'agent.view'))).toBe('HTTP-404');
    expect((await entries('agent.view')).length).toBe(before);
    expect((await entries('agent.foreign_access')).map((e) => [e.subject, JSON.parse(e.data).reading])).toEqual([
      [`reference:${justificatif?.reference}`, 'agent.view'],
      ['reference:PP-2026-0000-0000', 'agent.view'],
    ]);
  });
});

describe('a justificatif’s state in the list', () => {
  const base = {
    id: 'j',
    consentId: 'c',
    clientId: 'sp',
    citizenSub: 's',
    reference: 'PP-2026-AAAA-BBBB',
    issuedAt: 0,
    retentionUntil: 0,
    withdrawnAt: null,
    purgedAt: null,
  };
  it('is complete only when every item was known to be obtained, and says when nothing was', () => {
    expect(listStateOf({ ...base, state: 'active', outcome: 'all' })).toBe('complet');
    expect(listStateOf({ ...base, state: 'active', outcome: 'some' })).toBe('partiel');
    expect(listStateOf({ ...base, state: 'active', outcome: 'none' })).toBe('aucune');
    // Justificatifs issued before the portal recorded it: never claimed complete.
    expect(listStateOf({ ...base, state: 'active', outcome: undefined })).toBe('partiel');
    expect(listStateOf({ ...base, state: 'withdrawn', outcome: 'all', withdrawnAt: 1 })).toBe('retire');
    expect(listStateOf({ ...base, state: 'expired', outcome: 'all', purgedAt: 1 })).toBe('expire');
  });

  it('is found by the Paris day the list shows', async () => {
    const { justificatif } = await transmit(world.request);
    const found = await world.justificatifs.find(justificatif?.reference ?? '');
    const day = parisDay(found?.issuedAt ?? 0);
    const { rows } = await space.list(claire, { du: day, au: day }, 1);
    expect(rows.map((row) => row.justificatif.reference)).toContain(justificatif?.reference);
  });
});

describe('finding a person and what is new', () => {
  const transmitFor = (sub: string, person: { givenNames: string; familyName: string; birthDate: string }) =>
    world.transmissions.decide({ request: world.request, citizen: { sub, person }, outcomes: [QF_FOUND], decision: 'transmitted' });

  it('finds by name, birth date or number as typed, and journals the parsed search only', async () => {
    const { justificatif } = await transmitFor('sub-angela', { givenNames: 'Angéla', familyName: 'DUBOIS', birthDate: '1962-08-24' });
    for (const recherche of ['dubois', 'ANGELA', '24/08/1962', (justificatif?.reference ?? '').toLowerCase().replaceAll('-', ' ')]) {
      const { rows } = await space.list(claire, { recherche }, 1);
      expect(
        rows.map((row) => row.justificatif.reference),
        recherche,
      ).toEqual([justificatif?.reference]);
      expect(rows[0]?.person).toMatchObject({ familyName: 'DUBOIS', birthDate: '1962-08-24' });
    }
    expect(JSON.parse((await entries('agent.search')).at(-3)?.data ?? '{}')).toEqual({ filters: { nom: ['angela'] } });
    expect(JSON.parse((await entries('agent.search')).at(-2)?.data ?? '{}')).toEqual({ filters: { naissance: '1962-08-24' } });
    expect(JSON.parse((await entries('agent.search')).at(-1)?.data ?? '{}')).toEqual({ filters: { numero: justificatif?.reference } });
  });

  it('counts what the agent has not opened since they were authorised, and marks it read once opened', async () => {
    const hugo = await space.signIn({ ...identity('hugo.petit@bellerive.fr'), givenName: 'Hugo', usualName: 'PETIT' }, 'id');
    const before = await space.unreadCount(hugo);
    const { justificatif } = await transmitFor('sub-nouveau', { givenNames: 'Noé', familyName: 'NOUVEAU', birthDate: '2001-01-01' });
    expect(await space.unreadCount(hugo)).toBe(before + 1);
    const unread = await space.list(hugo, { nonlus: true }, 1);
    expect(unread.rows.map((row) => row.justificatif.reference)).toContain(justificatif?.reference);
    expect(unread.rows.every((row) => !row.read)).toBe(true);
    await space.read(hugo, justificatif?.reference ?? '', 'agent.view');
    expect(await space.unreadCount(hugo)).toBe(before);
    expect((await space.list(hugo, { recherche: 'nouveau' }, 1)).rows[0]?.read).toBe(true);
    // Read by Hugo, still new to Claire.
    expect((await space.list(claire, { recherche: 'nouveau' }, 1)).rows[0]?.read).toBe(false);
    // What arrived before an agent was authorised is not new to them.
    expect(await space.unreadCount({ ...hugo, authorisedAt: Date.now() + 1000 })).toBe(0);
  });

  it('exports the filtered list, journaled with its filters and size', async () => {
    const { rows, total } = await space.exportList(claire, { recherche: 'dubois' });
    expect(rows.length).toBe(total);
    expect(rows.every((row) => row.person?.familyName === 'DUBOIS')).toBe(true);
    expect(JSON.parse((await entries('agent.export')).at(-1)?.data ?? '{}')).toEqual({ filters: { nom: ['dubois'] }, rows: total, total });
  });
});

describe('the administrators’ pages', () => {
  it('shows citizens in the journal under the organisation’s own pseudonym, justificatifs by number, filtered and counted', async () => {
    const { justificatif } = await transmit(world.request, [QF_FOUND], 'sub-martin');
    const { entries: journal, total, references } = await space.journal(claire, {}, 1);
    const actors = journal.map((entry) => entry.actor);
    expect(actors).toContain(`citizen:${world.pseudonyms.citizenOfOrganisation(claire.organisationId, 'sub-martin')}`);
    expect(actors.some((actor) => actor.includes('sub-martin'))).toBe(false);
    expect(journal.every((entry) => entry.organisation_id === claire.organisationId)).toBe(true);
    expect(total).toBeGreaterThanOrEqual(journal.length);
    expect([...references.values()]).toContain(justificatif?.reference);

    const consents = await space.journal(claire, { evenement: 'consent.transmitted' }, 1);
    expect(consents.entries.length).toBeGreaterThan(0);
    expect(consents.entries.every((entry) => entry.type === 'consent.transmitted')).toBe(true);
    const byClaire = await space.journal(claire, { agent: claire.id }, 1);
    expect(byClaire.entries.every((entry) => entry.actor === `agent:${claire.id}`)).toBe(true);
    expect((await space.journal(claire, { du: '2000-01-01', au: '2000-01-02' }, 1)).total).toBe(0);
  });

  it('exports the journal as filtered, and records the export', async () => {
    const exported = await space.exportJournal(claire, { evenement: 'consent.transmitted' });
    expect(exported.entries.every((entry) => entry.type === 'consent.transmitted')).toBe(true);
    expect(JSON.parse((await entries('journal.export')).at(-1)?.data ?? '{}')).toEqual({
      filters: { evenement: 'consent.transmitted' },
      rows: exported.entries.length,
      total: exported.total,
    });
  });

  it('changes a role, journaled, but never leaves the organisation without an administrator', async () => {
    const hugo = (await space.team(claire)).find((member) => member.email === 'hugo.petit@bellerive.fr');
    if (hugo === undefined) throw new Error('hugo absent');
    expect(await space.changeRole(claire, claire.id, 'lecteur')).toBe('last-administrator');
    expect(await space.changeRole(claire, hugo.id, 'lecteur')).toBe('unchanged');
    expect(await space.changeRole(claire, hugo.id, 'administrateur')).toBe('changed');
    expect(JSON.parse((await entries('agent.role_changed')).at(-1)?.data ?? '{}')).toEqual({ from: 'lecteur', to: 'administrateur' });
    // Two administrators now: Claire may become a reader; Hugo then may not.
    expect(await space.changeRole(claire, claire.id, 'lecteur')).toBe('changed');
    expect(await space.changeRole(claire, hugo.id, 'lecteur')).toBe('last-administrator');
    expect(await space.changeRole(claire, claire.id, 'administrateur')).toBe('changed');
    expect(await codeOf(space.changeRole(claire, 'inconnu', 'lecteur'))).toBe('HTTP-404');
  });

  it('keeps the names ProConnect gives and the last sign-in for the team page', async () => {
    const team = await space.team(claire);
    expect(team.find((member) => member.id === claire.id)).toMatchObject({
      given_name: 'Claire',
      usual_name: 'ROUX',
      last_signed_in_at: expect.any(Number),
    });
  });

  it('adds and removes team members, journaled, but an administrator never removes themself', async () => {
    await space.addMember(claire, { email: 'Nadia.Benali@bellerive.fr', role: 'lecteur' });
    await space.addMember(claire, { email: 'nadia.benali@bellerive.fr', role: 'administrateur' });
    const nadia = (await space.team(claire)).filter((agent) => agent.email === 'nadia.benali@bellerive.fr');
    expect(nadia.map((agent) => agent.role)).toEqual(['lecteur']);
    await space.removeMember(claire, nadia[0]?.id ?? '');
    expect((await space.team(claire)).map((agent) => agent.email)).not.toContain('nadia.benali@bellerive.fr');
    expect((await entries('operator.action')).map((e) => JSON.parse(e.data).action)).toEqual(['agent ajouté', 'agent retiré']);
    expect(await codeOf(space.removeMember(claire, claire.id))).toBe('HTTP-400');
  });
});
