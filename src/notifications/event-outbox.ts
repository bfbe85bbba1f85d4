import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Logger } from 'pino';
import type { Database, SpEventTable } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import type { Registry } from '../registry/registry.service.js';
import type { Signer } from '../signing/jws.js';
import { SP_EVENT_TYP, type SpEvent, spEventClaims } from './sp-events.js';
import type { PostSpEvent } from './webhook-delivery.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** Attempts before an event is given up: with the delays below, about a day and a half of trying. */
export const MAX_ATTEMPTS = 16;

/** The wait after the n-th failed attempt: 30 s, doubling each time, at most 6 hours. */
export const retryDelayMs = (failedAttempts: number): number => Math.min(30_000 * 2 ** (failedAttempts - 1), 6 * HOUR);

/** The whole of the retries, for the documentation: how many attempts, over how many hours. */
export const retrySchedule = () => {
  let total = 0;
  for (let failed = 1; failed < MAX_ATTEMPTS; failed += 1) total += retryDelayMs(failed);
  return {
    attempts: MAX_ATTEMPTS,
    hours: Math.round(total / HOUR),
    firstDelaySeconds: retryDelayMs(1) / 1000,
    longestDelayHours: retryDelayMs(MAX_ATTEMPTS) / HOUR,
  };
};

/** Events kept after they were delivered or given up, for the service's dashboard and the operators. */
const KEPT_FOR_MS = 90 * 24 * HOUR;
const BATCH = 50;

type SpEventRow = Selectable<SpEventTable>;

export type SpEventState = 'pending' | 'delivered' | 'abandoned';
export const stateOf = (row: Pick<SpEventTable, 'delivered_at' | 'abandoned_at'>): SpEventState =>
  row.delivered_at !== null ? 'delivered' : row.abandoned_at !== null ? 'abandoned' : 'pending';

/** A service's latest events, newest first, with what became of them (stateOf). */
export const latestSpEvents = (db: Kysely<Database>, clientId: string, limit = 20) =>
  db.selectFrom('sp_event').selectAll().where('client_id', '=', clientId).orderBy('occurred_at', 'desc').limit(limit).execute();

export interface EventOutboxDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'findServiceProvider'>;
  sign: Signer;
  journal: Journal;
  post: PostSpEvent;
  logger: Logger;
  /** How long an attempt may hold an event before another process may try it: more than an attempt can last. */
  leaseMs: number;
  now?: () => number;
}

/**
 * Events for service providers, written in the same transaction as what they tell (nothing happens untold, nothing
 * is told that did not happen), then pushed to each service's registered address, signed, until it takes them. Any
 * process may deliver: an attempt first claims its event (a conditional update), so that two processes never push
 * the same one at once. A process that stops in the middle of an attempt leaves the event to be tried again once
 * its claim has passed: a service may then receive one event twice, and recognises it by its `jti`.
 */
export function createEventOutbox({ db, registry, sign, journal, post, logger, leaseMs, now = Date.now }: EventOutboxDependencies) {
  const closed = (row: SpEventRow, changes: Updateable<SpEventTable>, seen: number | null, executor: Kysely<Database> = db) =>
    executor
      .updateTable('sp_event')
      .set({ next_attempt_at: null, ...changes })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', seen ?? -1)
      .execute();

  /** One attempt at one due event, if this process wins its claim. */
  const attempt = async (row: SpEventRow): Promise<SpEventState | undefined> => {
    const at = now();
    const sp = await registry.findServiceProvider(row.client_id);
    if (sp?.webhook_url == null) {
      await closed(row, { abandoned_at: at, last_outcome: 'aucune adresse de notification enregistrée' }, row.next_attempt_at);
      return 'abandoned';
    }
    const claimUntil = at + leaseMs;
    const claimed = await db
      .updateTable('sp_event')
      .set({ next_attempt_at: claimUntil, attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) return undefined;
    const attempts = row.attempts + 1;
    const token = await sign(
      { toe: Math.floor(row.occurred_at / 1000), ...spEventClaims(row.type as SpEvent['type'], JSON.parse(row.data)) },
      { typ: SP_EVENT_TYP, jti: row.id, issuedAt: at, audience: row.client_id },
    );
    const { delivered, outcome, final = false } = await post(sp.webhook_url, token);
    const done = now();
    const entry = {
      actor: 'system',
      organisationId: sp.organisation_id,
      subject: `sp:${row.client_id}`,
      data: { event: row.type, id: row.id, attempts, outcome },
    };
    // The event's end and its journal entry are written together: one is never seen without the other.
    const end = (changes: Updateable<SpEventTable>, type: 'notification.delivered' | 'notification.abandoned') =>
      db.transaction().execute(async (trx) => {
        // A lost lease (another process took the event over) closes nothing here, and journals nothing either.
        const [closedRow] = await closed(row, changes, claimUntil, trx);
        if (closedRow?.numUpdatedRows === 1n) await journal.append({ type, ...entry }, trx);
      });
    if (delivered) {
      await end({ delivered_at: done, last_outcome: outcome }, 'notification.delivered');
      return 'delivered';
    }
    if (final || attempts >= MAX_ATTEMPTS) {
      await end({ abandoned_at: done, last_outcome: outcome }, 'notification.abandoned');
      logger.warn({ clientId: row.client_id, event: row.type, attempts, outcome }, 'événement abandonné : refusé par le service, ou jamais accepté');
      return 'abandoned';
    }
    await db
      .updateTable('sp_event')
      .set({ next_attempt_at: done + retryDelayMs(attempts), last_outcome: outcome })
      .where('id', '=', row.id)
      .where('next_attempt_at', '=', claimUntil)
      .execute();
    return 'pending';
  };

  /** One round: every event due now, attempted together. */
  const deliverDue = async (): Promise<Record<SpEventState, number>> => {
    const due = await db.selectFrom('sp_event').selectAll().where('next_attempt_at', '<=', now()).orderBy('next_attempt_at').limit(BATCH).execute();
    const count = { pending: 0, delivered: 0, abandoned: 0 };
    const states = await Promise.all(
      due.map((row) =>
        attempt(row).catch((error: unknown) => {
          // Left claimed: tried again once the claim has passed.
          logger.error({ err: error, clientId: row.client_id }, 'tentative d’envoi d’un événement interrompue');
          return undefined;
        }),
      ),
    );
    for (const state of states) if (state !== undefined) count[state] += 1;
    return count;
  };

  let round: Promise<void> | undefined;
  let again = false;
  const runRounds = async () => {
    do {
      again = false;
      await deliverDue().catch((error: unknown) => logger.error({ err: error }, 'envoi des événements aux services impossible'));
    } while (again);
    round = undefined;
  };

  return {
    /** Writes the event, within the caller's transaction: it leaves once that has committed (deliverSoon, or the next round). */
    async record(event: SpEvent, within: Kysely<Database> = db): Promise<void> {
      await within
        .insertInto('sp_event')
        .values({
          id: randomUUID(),
          client_id: event.clientId,
          type: event.type,
          data: JSON.stringify(event.data),
          occurred_at: event.occurredAt,
          next_attempt_at: event.occurredAt,
          delivered_at: null,
          abandoned_at: null,
          last_outcome: null,
        })
        .execute();
    },

    deliverDue,

    /** Starts a round now unless one is running, in which case another follows it: what was just recorded leaves at once. */
    deliverSoon(): void {
      if (round !== undefined) {
        again = true;
        return;
      }
      round = runRounds();
    },

    /** Resolves once no round is running: what stopping waits for. */
    settled: async (): Promise<void> => {
      while (round !== undefined) await round;
    },

    /** Forgets events delivered or given up long ago. */
    async purgeOld(): Promise<number> {
      const before = now() - KEPT_FOR_MS;
      const result = await db.deleteFrom('sp_event').where('next_attempt_at', 'is', null).where('occurred_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type EventOutbox = ReturnType<typeof createEventOutbox>;
