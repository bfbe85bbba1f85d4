import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import { createJournal } from '../journal/journal.js';
import { createTransmissions } from './transmission.js';

let world: DomainWorld;
beforeAll(async () => {
  world = await domainWorld();
});
afterAll(() => world.remove());

const citizen = { sub: 'sub-lucie', person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } };
const journalOf = (consentId: string) => world.db.selectFrom('journal_entry').selectAll().where('subject', '=', `consent:${consentId}`).execute();

describe('the citizen’s decision', () => {
  it('transmits: a grant of the allowed scopes, the consent, the justificatif and the journal entry', async () => {
    const decided = await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_FOUND], decision: 'transmitted' });
    expect(decided.decision).toBe('transmitted');
    expect(world.grants.grants.get(decided.grantId ?? '')).toMatchObject({
      citizenSub: 'sub-lucie',
      clientId: 'cantine-bellerive',
      scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
    });
    const consent = await world.transmissions.findConsent(decided.consentId);
    expect(consent).toMatchObject({
      decision: 'transmitted',
      citizen_sub: 'sub-lucie',
      grant_id: decided.grantId,
      habilitation_id: world.request.habilitationId,
    });
    const justificatif = await world.justificatifs.find(decided.justificatif?.reference ?? '');
    expect(justificatif).toMatchObject({ consentId: decided.consentId, citizenSub: 'sub-lucie', state: 'active', outcome: 'all' });
    const [entry] = await journalOf(decided.consentId);
    expect(entry).toMatchObject({ type: 'consent.transmitted', actor: 'citizen:sub-lucie', organisation_id: world.request.organisation.id });
    expect(JSON.parse(entry?.data ?? '{}')).toMatchObject({
      justificatifId: decided.justificatif?.id,
      procedure: 'Tarif de la cantine',
      statuses: [
        ['cnaf_quotient_familial', 'disponible'],
        ['cnaf_enfants', 'disponible'],
      ],
    });
  });

  it('records what the source did not give as such', async () => {
    const decided = await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_DOWN], decision: 'transmitted' });
    const [entry] = await journalOf(decided.consentId);
    expect(JSON.parse(entry?.data ?? '{}').statuses).toEqual([
      ['cnaf_quotient_familial', 'indisponible'],
      ['cnaf_enfants', 'indisponible'],
    ]);
    expect((await world.justificatifs.find(decided.justificatif?.reference ?? ''))?.outcome).toBe('none');
  });

  it('refuses: no grant, no justificatif, the refusal recorded', async () => {
    const before = world.grants.grants.size;
    const decided = await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_FOUND], decision: 'refused' });
    expect(decided).toMatchObject({ decision: 'refused', grantId: undefined, justificatif: undefined });
    expect(world.grants.grants.size).toBe(before);
    expect(await world.transmissions.findConsent(decided.consentId)).toMatchObject({ decision: 'refused', grant_id: null });
    expect((await world.justificatifs.ofConsents([decided.consentId])).size).toBe(0);
    expect((await journalOf(decided.consentId)).map((e) => e.type)).toEqual(['consent.refused']);
  });

  it('transmits nothing the citizen has not seen', async () => {
    await expect(world.transmissions.decide({ request: world.request, citizen, outcomes: undefined, decision: 'transmitted' })).rejects.toThrow();
  });

  it('writes nothing at all when the journal entry cannot be written', async () => {
    const failingJournal = { ...createJournal(world.db, randomBytes(32)), append: async () => Promise.reject(new Error('journal indisponible')) };
    const failing = createTransmissions({ db: world.db, grants: world.grants.port, justificatifs: world.justificatifs, journal: failingJournal });
    const consentsBefore = (await world.transmissions.consentsOf('sub-marc')).length;
    await expect(
      failing.decide({
        request: world.request,
        citizen: { sub: 'sub-marc', person: { givenNames: 'Marc', familyName: 'LEBRUN', birthDate: '1975-11-02' } },
        outcomes: [QF_FOUND],
        decision: 'transmitted',
      }),
    ).rejects.toThrow('journal indisponible');
    expect((await world.transmissions.consentsOf('sub-marc')).length).toBe(consentsBefore);
    const justificatifs = await world.db.selectFrom('justificatif').select('id').where('citizen_sub', '=', 'sub-marc').execute();
    expect(justificatifs).toEqual([]);
  });

  it('lists a citizen’s decisions newest first, never anyone else’s', async () => {
    await world.transmissions.decide({
      request: world.request,
      citizen: { sub: 'sub-autre', person: { givenNames: 'Paul', familyName: 'MARTIN', birthDate: '1990-06-30' } },
      outcomes: [QF_FOUND],
      decision: 'refused',
    });
    const decisions = await world.transmissions.consentsOf('sub-lucie');
    expect(decisions.length).toBeGreaterThanOrEqual(3);
    expect(decisions.every((c) => c.citizen_sub === 'sub-lucie')).toBe(true);
    expect(decisions.map((c) => c.decided_at)).toEqual([...decisions.map((c) => c.decided_at)].sort((a, b) => b - a));
  });
});
