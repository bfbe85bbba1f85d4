import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import { mailBodies } from '../mail/mail-bodies.js';
import type { Mailer } from '../mail/mailer.js';
import type { Registry } from '../registry/registry.service.js';
import { DAY_MS, frenchDate } from '../wording/dates.fr.js';
import { countOf } from '../wording/lists.fr.js';
import type { EventOutbox } from './event-outbox.js';

/** How many days before a habilitation's end its service is told, as DataPass reminds its holders. */
export const NOTICE_DAYS = [90, 60, 30, 15, 7, 1] as const;

/** The notice due with `remainingMs` left: the closest of NOTICE_DAYS not yet passed, if any. */
export const noticeDue = (remainingMs: number): number | undefined => [...NOTICE_DAYS].reverse().find((days) => remainingMs <= days * DAY_MS);

export interface ExpiryNoticeDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'habilitationsEndingWithin' | 'findServiceProvider'>;
  outbox: Pick<EventOutbox, 'record'>;
  journal: Journal;
  now?: () => number;
}

/**
 * Tells each service whose habilitation ends soon, once per notice day: the event habilitation.expire_bientot and a
 * journal entry. A habilitation found late (granted with 20 days left, or a portal stopped for weeks) gets the one
 * notice due now, not those it missed. A renewal moves the end, and the notices start again for the new one. Two
 * processes doing this at once give one notice: the second one's insert of the same notice fails and takes back
 * its event.
 */
export async function noticeExpiringHabilitations({ db, registry, outbox, journal, now = Date.now }: ExpiryNoticeDependencies): Promise<number> {
  const at = now();
  let noticed = 0;
  for (const habilitation of await registry.habilitationsEndingWithin(Math.max(...NOTICE_DAYS) * DAY_MS)) {
    const remaining = habilitation.valid_until - at;
    const due = noticeDue(remaining);
    if (due === undefined) continue;
    const given = await db
      .selectFrom('habilitation_notice')
      .select('days_before')
      .where('habilitation_id', '=', habilitation.id)
      .where('valid_until', '=', habilitation.valid_until)
      .execute();
    if (given.some((notice) => notice.days_before <= due)) continue;
    const sp = await registry.findServiceProvider(habilitation.client_id);
    const passed = NOTICE_DAYS.filter((days) => days >= due && !given.some((notice) => notice.days_before === days));
    const daysLeft = Math.ceil(remaining / DAY_MS);
    try {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('habilitation_notice')
          .values(
            passed.map((days) => ({ habilitation_id: habilitation.id, valid_until: habilitation.valid_until, days_before: days, noticed_at: at })),
          )
          .execute();
        await outbox.record(
          {
            clientId: habilitation.client_id,
            type: 'habilitation.expire_bientot',
            data: { habilitation: habilitation.id, fin_de_validite: new Date(habilitation.valid_until).toISOString(), jours_restants: daysLeft },
            occurredAt: at,
          },
          trx,
        );
        await journal.append(
          {
            type: 'habilitation.expiry_notice',
            actor: 'system',
            organisationId: sp?.organisation_id ?? null,
            subject: `habilitation:${habilitation.id}`,
            data: { daysLeft, validUntil: new Date(habilitation.valid_until).toISOString() },
          },
          trx,
        );
      });
      noticed += 1;
    } catch (error) {
      // Another process gave this notice first: nothing to add.
      if (
        !(await db
          .selectFrom('habilitation_notice')
          .select('days_before')
          .where('habilitation_id', '=', habilitation.id)
          .where('valid_until', '=', habilitation.valid_until)
          .where('days_before', '=', due)
          .executeTakeFirst())
      )
        throw error;
    }
  }
  return noticed;
}

export interface ExpiryMailDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'findServiceProvider' | 'findHabilitation'>;
  mailer: Mailer;
  /** Who to write to about a habilitation: the contacts of the request that created it (onboarding/), if any. */
  contactsOf: (habilitationId: string) => Promise<string[]>;
  publicUrl: string;
  logger: Logger;
  now?: () => number;
}

/** Notices older than this are not mailed any more: after a long outage, an old « 30 days left » would be wrong. */
const MAIL_WITHIN_MS = DAY_MS;

/**
 * Writes to the contacts of each habilitation's request about the notices not mailed yet: when it ends, that
 * nothing is transmitted after, and where to prolong it. A failed send leaves the notice unmailed: the next round
 * tries again, for a day. A habilitation granted by an operator, without a request, has nobody to write to.
 */
export async function mailExpiryNotices({
  db,
  registry,
  mailer,
  contactsOf,
  publicUrl,
  logger,
  now = Date.now,
}: ExpiryMailDependencies): Promise<number> {
  const at = now();
  const pending = await db
    .selectFrom('habilitation_notice')
    .select(['habilitation_id', 'valid_until', 'noticed_at'])
    .select((eb) => eb.fn.min('days_before').as('days_before'))
    .where('mailed_at', 'is', null)
    .where('noticed_at', '>', at - MAIL_WITHIN_MS)
    .groupBy(['habilitation_id', 'valid_until', 'noticed_at'])
    .execute();
  let mailed = 0;
  for (const notice of pending) {
    const habilitation = await registry.findHabilitation(notice.habilitation_id);
    // Prolonged or revoked since: this notice no longer says the truth.
    if (habilitation === undefined || habilitation.valid_until !== notice.valid_until || habilitation.revoked_at !== null) continue;
    const [service, contacts] = await Promise.all([registry.findServiceProvider(habilitation.client_id), contactsOf(habilitation.id)]);
    if (contacts.length === 0 || service === undefined) continue;
    const daysLeft = Math.max(1, Math.ceil((habilitation.valid_until - at) / DAY_MS));
    const message = {
      subject: `Votre habilitation prend fin dans ${countOf(daysLeft, 'jour', 'jours')} – Passerelle Particulier`,
      ...mailBodies([
        'Bonjour,',
        `L’habilitation ${habilitation.id} de la démarche « ${service.procedure_name} » (${service.organisation_name}) prend fin le ${frenchDate(habilitation.valid_until)}. Après cette date, Passerelle Particulier ne transmettra plus aucune donnée à votre service à ce titre.`,
        `Pour la prolonger, connectez-vous à l’espace fournisseurs avec ProConnect et choisissez « Prolonger » : ${publicUrl}/fournisseurs`,
        'Vous recevez ce courriel parce que vous êtes contact de la demande d’habilitation de ce service. Les rappels partent 90, 60, 30, 15, 7 et 1 jours avant la fin.',
        'Passerelle Particulier',
      ]),
    };
    try {
      for (const to of contacts) await mailer.send({ to, ...message });
    } catch {
      // The mailer has logged why; left unmailed, the next round tries again.
      continue;
    }
    await db
      .updateTable('habilitation_notice')
      .set({ mailed_at: at })
      .where('habilitation_id', '=', notice.habilitation_id)
      .where('valid_until', '=', notice.valid_until)
      .where('noticed_at', '=', notice.noticed_at)
      .execute();
    logger.info({ habilitation: habilitation.id, daysLeft, recipients: contacts.length }, 'rappel de fin d’habilitation envoyé');
    mailed += 1;
  }
  return mailed;
}
