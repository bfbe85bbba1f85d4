import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import { type CitizenSpace, createCitizenSpace, shownStatusOf } from './citizen-space.js';

let world: DomainWorld;
let space: CitizenSpace;
beforeAll(async () => {
  world = await domainWorld();
  space = createCitizenSpace({
    db: world.db,
    transmissions: world.transmissions,
    justificatifs: world.justificatifs,
    registry: world.registry,
    agentNumber: world.pseudonyms.agentNumber,
  });
});
afterAll(() => world.remove());

const decide = (sub: string, decision: 'transmitted' | 'refused') =>
  world.transmissions.decide({
    request: world.request,
    citizen: { sub, person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    outcomes: [QF_FOUND],
    decision,
  });

describe('Mon espace', () => {
  it('tells what a transmission obtained: never « Transmise » when nothing was', async () => {
    const nothing = await world.transmissions.decide({
      request: world.request,
      citizen: { sub: 'sub-rien', person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
      outcomes: [QF_DOWN],
      decision: 'transmitted',
    });
    await decide('sub-rien', 'transmitted');
    await decide('sub-rien', 'refused');
    const shown = (await space.list('sub-rien')).map((share) => [share.reference === nothing.justificatif?.reference, shownStatusOf(share)]);
    expect(shown).toEqual(
      expect.arrayContaining([
        [true, 'nothing'],
        [false, 'active'],
        [false, 'refused'],
      ]),
    );
  });

  it('lists the citizen’s transmissions and refusals, newest first, with whom they concerned', async () => {
    const transmitted = await decide('sub-lucie', 'transmitted');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await decide('sub-lucie', 'refused');
    await decide('sub-paul', 'transmitted');
    const shares = await space.list('sub-lucie');
    expect(shares.map((share) => share.status)).toEqual(['refused', 'active']);
    expect(shares[1]).toMatchObject({
      organisationName: 'Mairie de Bellerive',
      procedureName: 'Tarif de la cantine',
      purpose: 'Calculer le tarif de la cantine scolaire selon le quotient familial.',
      reference: transmitted.justificatif?.reference,
      scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
    });
    expect(shares[0]?.reference).toBeUndefined();
  });

  it('finds a transmission by its number only for its own citizen', async () => {
    const { justificatif } = await decide('sub-lucie', 'transmitted');
    const reference = justificatif?.reference ?? '';
    expect((await space.find('sub-lucie', reference))?.reference).toBe(reference);
    expect(await space.find('sub-paul', reference)).toBeUndefined();
    expect(await space.find('sub-lucie', 'PP-2026-0000-0000')).toBeUndefined();
  });

  it('shows who received or looked at the data, agents by number only', async () => {
    const { justificatif } = await decide('sub-lucie', 'transmitted');
    const subject = `justificatif:${justificatif?.id}`;
    await world.journal.append({
      type: 'justificatif.fetched',
      actor: 'sp:cantine-bellerive',
      organisationId: world.request.organisation.id,
      subject,
    });
    await world.journal.append({ type: 'agent.view', actor: 'agent:agent-42', organisationId: world.request.organisation.id, subject });
    await world.journal.append({ type: 'agent.search', actor: 'agent:agent-42', organisationId: world.request.organisation.id, subject });
    const share = await space.find('sub-lucie', justificatif?.reference ?? '');
    if (share === undefined) throw new Error('introuvable');
    const log = await space.accessLog(share);
    expect(log.map(({ who, action }) => [who, action])).toEqual([
      [`Agent n° ${world.pseudonyms.agentNumber('agent-42')}, Mairie de Bellerive`, 'a consulté le justificatif'],
      ['Logiciel de la démarche « Tarif de la cantine »', 'a reçu vos informations'],
    ]);
    expect(JSON.stringify(log)).not.toContain('agent-42');
  });

  it('shows the withdrawal in the history, as the citizen’s own act, after who read the data', async () => {
    const { justificatif } = await decide('sub-lucie', 'transmitted');
    await world.journal.append({
      type: 'justificatif.fetched',
      actor: 'sp:cantine-bellerive',
      organisationId: world.request.organisation.id,
      subject: `justificatif:${justificatif?.id}`,
    });
    const share = await space.find('sub-lucie', justificatif?.reference ?? '');
    if (share === undefined) throw new Error('introuvable');
    await space.withdraw(share);
    const after = await space.find('sub-lucie', share.reference ?? '');
    const log = await space.accessLog(after ?? share);
    expect(log.map(({ who, action }) => `${who} ${action}`)).toEqual([
      'Vous avez retiré ces informations',
      'Logiciel de la démarche « Tarif de la cantine » a reçu vos informations',
    ]);
    expect((log[0]?.at ?? 0) - (after?.justificatif?.withdrawnAt ?? 0)).toBeLessThan(1000);
  });

  it('withdraws an active transmission, and leaves anything else as it is', async () => {
    const { justificatif } = await decide('sub-lucie', 'transmitted');
    const share = await space.find('sub-lucie', justificatif?.reference ?? '');
    if (share === undefined) throw new Error('introuvable');
    await space.withdraw(share);
    const after = await space.find('sub-lucie', share.reference ?? '');
    expect(after?.status).toBe('withdrawn');
    await expect(space.withdraw(after ?? share)).resolves.toBeUndefined();
  });
});
