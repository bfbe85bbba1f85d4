import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import type { Registry } from '../registry/registry.service.js';
import type { EventOutbox } from './event-outbox.js';

const DAY = 24 * 60 * 60 * 1000;

/** How many days before a habilitation's end its service is told, as DataPass reminds its holders. */
export const NOTICE_DAYS = [90, 60, 30, 15, 7, 1] as const;

/** The notice due with `remainingMs` left: the closest of NOTICE_DAYS not yet passed, if any. */
export const noticeDue = (remainingMs: number): number | undefined => [...NOTICE_DAYS].reverse().find((days) => remainingMs <= days * DAY);

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
  for (const habilitation of await registry.habilitationsEndingWithin(Math.max(...NOTICE_DAYS) * DAY)) {
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
    const daysLeft = Math.ceil(remaining / DAY);
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
