import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld } from '../../test/helpers/domain.js';
import { createLogger } from '../http/logger.js';
import { MailError, type MailMessage } from '../mail/mailer.js';
import { createRegistry } from '../registry/registry.service.js';
import { mailExpiryNotices, NOTICE_DAYS, noticeDue, noticeExpiringHabilitations } from './expiry-notices.js';

const DAY = 24 * 60 * 60 * 1000;
let world: DomainWorld;
let end = 0;
let clock = 0;
const CLIENT = 'creche-bellerive';

const round = () => {
  const registry = createRegistry(world.db, { allowLocalHttp: true, now: () => clock });
  return noticeExpiringHabilitations({ db: world.db, registry, outbox: world.events, journal: world.journal, now: () => clock });
};
const notices = async () =>
  (
    await world.db
      .selectFrom('sp_event')
      .select(['data'])
      .where('client_id', '=', CLIENT)
      .where('type', '=', 'habilitation.expire_bientot')
      .orderBy('occurred_at')
      .execute()
  ).map((row) => JSON.parse(row.data).jours_restants as number);

beforeAll(async () => {
  world = await domainWorld();
  await world.serviceProvider({ clientId: CLIENT, siret: '21999999900010', name: 'Mairie de Bellerive', procedure: 'Inscription à la crèche' });
  const habilitation = (await world.registry.listHabilitations(CLIENT))[0];
  end = habilitation?.valid_until ?? 0;
});
afterAll(() => world.remove());

describe('notices of a habilitation’s coming end', () => {
  it('picks the closest notice day not yet passed', () => {
    expect(NOTICE_DAYS).toEqual([90, 60, 30, 15, 7, 1]);
    expect(noticeDue(91 * DAY)).toBeUndefined();
    expect(noticeDue(90 * DAY)).toBe(90);
    expect(noticeDue(31 * DAY)).toBe(60);
    expect(noticeDue(10 * DAY)).toBe(15);
    expect(noticeDue(DAY / 2)).toBe(1);
  });

  it('tells the service at 90, 60… days, once each, only the one due after a long pause, and again after a renewal', async () => {
    clock = end - 100 * DAY;
    await round();
    expect(await notices()).toEqual([]);
    clock = end - 89.5 * DAY;
    await round();
    await round();
    expect(await notices()).toEqual([90]);
    clock = end - 59 * DAY;
    await round();
    // Nothing for 21 days (a stopped portal): the 30-day notice was missed, the 15-day one is due, and given once.
    clock = end - 10 * DAY;
    await round();
    clock = end - 8 * DAY;
    await round();
    expect(await notices()).toEqual([90, 59, 10]);
    clock = end - 0.5 * DAY;
    await round();
    expect(await notices()).toEqual([90, 59, 10, 1]);
    const journaled = await world.db
      .selectFrom('journal_entry')
      .select('data')
      .where('subject', '=', `habilitation:${(await world.registry.listHabilitations(CLIENT))[0]?.id}`)
      .where('type', '=', 'habilitation.expiry_notice')
      .execute();
    expect(journaled.map((entry) => JSON.parse(entry.data).daysLeft)).toEqual([90, 59, 10, 1]);

    // Renewed: a new end, whose notices start again.
    const registry = createRegistry(world.db, { allowLocalHttp: true, now: () => clock });
    const habilitation = (await registry.listHabilitations(CLIENT))[0];
    await registry.renewHabilitation(habilitation?.id ?? '', clock + 120 * DAY);
    end = clock + 120 * DAY;
    clock = end - 90 * DAY;
    await round();
    expect(await notices()).toEqual([90, 59, 10, 1, 90]);
  });

  it('gives one notice when two processes look at once', async () => {
    clock = end - 60 * DAY;
    await Promise.all([round(), round()]);
    expect(await notices()).toEqual([90, 59, 10, 1, 90, 60]);
  });
});

describe('reminder e-mails of a habilitation’s coming end', () => {
  it('writes to the request’s contacts once per notice, tries again after a failure, and never about an end that moved', async () => {
    const sent: MailMessage[] = [];
    let failing = false;
    const mail = () =>
      mailExpiryNotices({
        db: world.db,
        registry: createRegistry(world.db, { allowLocalHttp: true, now: () => clock }),
        mailer: {
          send: async (message) => {
            if (failing) throw new MailError('MAIL-001');
            sent.push(message);
          },
        },
        contactsOf: async () => ['ines.garnier@bois-joli.fr', 'paul.roche@bois-joli.fr'],
        publicUrl: 'https://passerelle.example.gouv.fr',
        logger: createLogger('silent'),
        now: () => clock,
      });
    // The 60-day notice of the previous test, given a moment ago: mailed now, to both contacts, in text and HTML.
    failing = true;
    expect(await mail()).toBe(0);
    failing = false;
    expect(await mail()).toBe(1);
    expect(sent.map((message) => [message.to, message.subject])).toEqual([
      ['ines.garnier@bois-joli.fr', 'Votre habilitation prend fin dans 60 jours – Passerelle Particulier'],
      ['paul.roche@bois-joli.fr', 'Votre habilitation prend fin dans 60 jours – Passerelle Particulier'],
    ]);
    expect(sent[0]?.text).toMatch(/de la démarche « Inscription à la crèche » \(Mairie de Bellerive\) prend fin le \d+ \S+ \d{4}\. Après cette date/);
    expect(sent[0]?.text).toContain('choisissez « Prolonger » : https://passerelle.example.gouv.fr/fournisseurs');
    expect(sent[0]?.html).toContain('<a href="https://passerelle.example.gouv.fr/fournisseurs">');
    expect(await mail()).toBe(0);

    // A notice whose end has moved since (renewed) is not mailed: it would no longer say the truth.
    clock = end - 30 * DAY;
    await round();
    const habilitation = (await world.registry.listHabilitations(CLIENT))[0];
    await createRegistry(world.db, { allowLocalHttp: true, now: () => clock }).renewHabilitation(habilitation?.id ?? '', clock + 200 * DAY);
    expect(await mail()).toBe(0);
    expect(sent).toHaveLength(2);
  });
});
