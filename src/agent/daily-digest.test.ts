import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_FOUND } from '../../test/helpers/domain.js';
import { createLogger } from '../http/logger.js';
import { MailError, type MailMessage } from '../mail/mailer.js';
import { findAgent, setDailyDigest } from '../registry/agent.repository.js';
import { parisDay, parisMidnight } from '../wording/dates.fr.js';
import { sendDailyDigests } from './daily-digest.js';

let world: DomainWorld;
const sent: MailMessage[] = [];
let failing = false;
const deps = () => ({
  db: world.db,
  registry: world.registry,
  journal: world.journal,
  mailer: {
    send: async (message: MailMessage) => {
      if (failing) throw new MailError('MAIL-001');
      sent.push(message);
    },
  },
  publicUrl: 'https://passerelle.example.gouv.fr',
  logger: createLogger('silent'),
});
const day = parisMidnight(parisDay(Date.now()));
const at = (hours: number, days = 0) => day + days * 24 * 60 * 60 * 1000 + hours * 60 * 60 * 1000;

beforeAll(async () => {
  world = await domainWorld();
  const agent = await world.registry.addAgent({ siret: '21999999900010', email: 'lea.morel@bellerive.fr', role: 'lecteur' });
  await setDailyDigest(world.db, agent.organisation_id, agent.id, true);
  await world.registry.addAgent({ siret: '21999999900010', email: 'sans.courriel@bellerive.fr', role: 'lecteur' });
});
afterAll(() => world.remove());

const transmit = () =>
  world.transmissions.decide({
    request: world.request,
    citizen: { sub: 'sub-lucie', person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    outcomes: [QF_FOUND],
    decision: 'transmitted',
  });

describe('the agents’ daily e-mail', () => {
  it('waits for the morning, writes only to who asked, and says nothing when nothing is new', async () => {
    expect(await sendDailyDigests(deps(), at(8, -3))).toBe(0);
    expect(sent).toEqual([]);
    await transmit();
    await transmit();
    expect(await sendDailyDigests(deps(), at(6, 1))).toBe(0);
    expect(await sendDailyDigests(deps(), at(8, 1))).toBe(1);
    expect(sent.map((message) => [message.to, message.subject])).toEqual([
      ['lea.morel@bellerive.fr', '2 nouveaux justificatifs à consulter – Passerelle Particulier'],
    ]);
    expect(sent[0]?.text).not.toMatch(/FONTAINE|Lucie|PP-/);
    expect(sent[0]?.html).toContain('<a href="https://passerelle.example.gouv.fr/agents/justificatifs?nonlus=1">');
    expect(await sendDailyDigests(deps(), at(12, 1))).toBe(0);
  });

  it('gives the day back when the mail server fails, so that the next round sends it', async () => {
    // As if yesterday's e-mail had never gone: the justificatifs issued since the agent was authorised are new.
    await world.db.updateTable('agent').set({ digest_sent_at: null }).where('email', '=', 'lea.morel@bellerive.fr').execute();
    await transmit();
    failing = true;
    expect(await sendDailyDigests(deps(), at(8, 3))).toBe(0);
    failing = false;
    expect(await sendDailyDigests(deps(), at(8.25, 3))).toBe(1);
    expect(sent.at(-1)?.subject).toBe('3 nouveaux justificatifs à consulter – Passerelle Particulier');
    expect(
      (await findAgent(world.db, (await world.registry.listAgents('21999999900010'))[0]?.organisation_id ?? '', 'lea.morel@bellerive.fr'))
        ?.digest_sent_at,
    ).toBe(at(8.25, 3));
  });
});
