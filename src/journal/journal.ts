import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockUntilCommit } from '../db/database.js';
import type { Database, JournalEntryTable } from '../db/schema.js';
import { canonicalJson } from './canonical-json.js';

/** Every event of the product that the journal records. */
export type JournalEventType =
  | 'consent.transmitted'
  | 'consent.refused'
  | 'request.declined_before_sign_in'
  | 'justificatif.fetched'
  | 'source.fetched'
  | 'api.error'
  | 'agent.signed_in'
  | 'agent.denied'
  | 'agent.view'
  | 'agent.print'
  | 'agent.search'
  | 'agent.foreign_access'
  | 'justificatif.purged'
  | 'justificatif.withdrawn'
  | 'operator.action';

export interface JournalEvent {
  type: JournalEventType;
  /** Who did it: "citizen:<sub>", "sp:<client_id>", "agent:<id>", "operator", "system". */
  actor: string;
  organisationId?: string | null;
  /** What it is about: "justificatif:<id>", "consent:<id>", "source:<api>"… */
  subject?: string | null;
  data?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

const entryHash = (entry: Omit<JournalEntryTable, 'hash'>) =>
  createHash('sha256')
    .update(canonicalJson({ ...entry, data: JSON.parse(entry.data) as unknown }))
    .digest('hex');

export type Journal = ReturnType<typeof createJournal>;

/**
 * The append-only audit trail: each entry carries the previous entry's hash and its own SHA-256 over canonical
 * JSON. Appends are serialised across every node by a lock on the chain head held until commit, so two nodes never
 * link to the same previous entry. Callers append last in their transaction: the head lock is then the last lock
 * any transaction takes, and no two transactions can wait on each other.
 */
export function createJournal(db: Kysely<Database>) {
  return {
    /** Appends one entry; pass `within` to write it in the caller's transaction, with the change it records. */
    async append(event: JournalEvent, within?: Kysely<Database>, at = Date.now()): Promise<JournalEntryTable> {
      const write = async (trx: Kysely<Database>) => {
        await lockUntilCommit(trx, 'journalHead');
        const head = await trx.selectFrom('journal_entry').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
        const entry = {
          seq: (head?.seq ?? 0) + 1,
          at,
          type: event.type,
          actor: event.actor,
          organisation_id: event.organisationId ?? null,
          subject: event.subject ?? null,
          data: canonicalJson(event.data ?? {}),
          prev_hash: head?.hash ?? GENESIS,
        };
        const row = { ...entry, hash: entryHash(entry) };
        await trx.insertInto('journal_entry').values(row).execute();
        return row;
      };
      return within === undefined ? db.transaction().execute(write) : write(within);
    },
  };
}

/** Walks the whole chain in order; names the first entry whose hash or link does not hold. */
export async function verifyJournal(db: Kysely<Database>, batch = 1000): Promise<{ entries: number; brokenAt: number | undefined; reason?: string }> {
  let previous = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await db.selectFrom('journal_entry').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) return { entries: count, brokenAt: undefined };
    for (const row of rows) {
      const { hash, ...entry } = row;
      if (row.seq !== expectedSeq) return { entries: count, brokenAt: expectedSeq, reason: 'entrée manquante' };
      if (row.prev_hash !== previous) return { entries: count, brokenAt: row.seq, reason: 'lien avec l’entrée précédente rompu' };
      if (entryHash(entry) !== hash) return { entries: count, brokenAt: row.seq, reason: 'contenu modifié' };
      previous = hash;
      expectedSeq += 1;
      count += 1;
    }
  }
}
