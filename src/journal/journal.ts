import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockUntilCommit } from '../db/database.js';
import type { Database, JournalEntryTable } from '../db/schema.js';
import type { JOURNAL_EVENT_TEXTS } from '../wording/labels.fr.js';
import type { Anchor } from './anchors.js';
import { CanonicalText, canonicalJson } from './canonical-json.js';

/** Every event of the product that the journal records: those that have a French label, and only those. */
export type JournalEventType = keyof typeof JOURNAL_EVENT_TEXTS;

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

/**
 * Each entry's seal: an HMAC-SHA256 of its canonical JSON (previous hash included) under the journal key, which
 * lives outside the database. Whoever can write the database but not read that key cannot rewrite an entry and
 * recompute the chain after it. `data` comes as its canonical JSON text: an append wrote it so already; verification
 * rewrites the stored text (parsed, then written canonically), so an entry stored otherwise still verifies as before.
 */
const entryHash = (key: Buffer, entry: Omit<JournalEntryTable, 'hash'>, canonicalData: string) =>
  createHmac('sha256', key)
    .update(canonicalJson({ ...entry, data: new CanonicalText(canonicalData) }))
    .digest('hex');

export type Journal = ReturnType<typeof createJournal>;

/** At most this many entries in one transaction: well under SQLite's bound variables (9 per entry). */
const MAX_BATCH = 256;

type Unsealed = Omit<JournalEntryTable, 'seq' | 'prev_hash' | 'hash'>;
interface Waiting {
  entry: Unsealed;
  resolve: (row: JournalEntryTable) => void;
  reject: (error: unknown) => void;
}

const unsealed = (event: JournalEvent, at: number): Unsealed => ({
  at,
  type: event.type,
  actor: event.actor,
  organisation_id: event.organisationId ?? null,
  subject: event.subject ?? null,
  data: canonicalJson(event.data ?? {}),
});

/**
 * The append-only audit trail: each entry carries the previous entry's hash and its own keyed hash over canonical
 * JSON; the database refuses UPDATE and DELETE on it (migration 006), and anchors kept outside it (anchors.ts)
 * reveal a cut tail. Appends are serialised across every node by a lock on the chain head held until commit, so two
 * nodes never link to the same previous entry. Callers append last in their transaction: the head lock is then the
 * last lock any transaction takes, and no two transactions can wait on each other.
 *
 * Appends of their own (no `within`) are committed in groups: those made in one turn of the event loop go together,
 * and while one transaction holds the head, the entries that arrive wait and go together in the next one, in their
 * order of arrival. Each promise settles only once its entry is
 * committed, so an answer that waits for it never confirms what could still be lost; one lock and one commit serve a
 * whole group, which is what lets concurrent requests through the head lock instead of queuing one by one on it.
 */
export function createJournal(db: Kysely<Database>, key: Buffer) {
  /** Links and seals the entries after the head, inserts them in one statement; the caller's transaction commits. */
  const write = async (trx: Kysely<Database>, entries: readonly Unsealed[]): Promise<JournalEntryTable[]> => {
    await lockUntilCommit(trx, 'journalHead');
    let head = await journalHead(trx);
    const rows = entries.map((entry) => {
      const linked = { ...entry, seq: (head?.seq ?? 0) + 1, prev_hash: head?.hash ?? GENESIS };
      const row = { ...linked, hash: entryHash(key, linked, entry.data) };
      head = row;
      return row;
    });
    await trx.insertInto('journal_entry').values(rows).execute();
    return rows;
  };

  const waiting: Waiting[] = [];
  let committing = false;
  /** Commits the waiting entries group after group until none is left; one group's failure fails only its entries. */
  const commitWaiting = async () => {
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_BATCH);
      try {
        const entries = group.map((w) => w.entry);
        const rows = await db.transaction().execute((trx) => write(trx, entries));
        for (const [n, w] of group.entries()) w.resolve(rows[n] as JournalEntryTable);
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    committing = false;
  };

  return {
    /** Appends one entry; pass `within` to write it in the caller's transaction, with the change it records. */
    async append(event: JournalEvent, within?: Kysely<Database>, at = Date.now()): Promise<JournalEntryTable> {
      const entry = unsealed(event, at);
      if (within !== undefined) return (await write(within, [entry]))[0] as JournalEntryTable;
      return new Promise((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (committing) return;
        committing = true;
        // The first group leaves once the requests read in this turn of the event loop have appended theirs too.
        // On SQLite a transaction never yields to another request, so without this wait no group ever formed: one
        // transaction, one commit and its WAL frames per request.
        setImmediate(() => void commitWaiting());
      });
    },
  };
}

export interface JournalVerification {
  entries: number;
  /** The first entry that does not hold, and why; undefined when the chain holds. */
  brokenAt: number | undefined;
  reason?: string;
  /** Anchors compared with the chain; the latest one; entries it attests that the database no longer has. */
  anchors: { checked: number; latest: Anchor | undefined; missingAtEnd: number };
}

/**
 * Walks the whole chain in order and names the first entry whose seal or link does not hold, or that an anchor
 * attests otherwise. Then compares the end of the chain with the latest anchor: entries cut from the tail leave
 * the chain whole, only an anchor taken before the cut can tell how many are missing.
 */
export async function verifyJournal(db: Kysely<Database>, key: Buffer, anchors: readonly Anchor[] = [], batch = 1000): Promise<JournalVerification> {
  const attested = new Map(anchors.map((anchor) => [anchor.seq, anchor]));
  const latest = anchors.reduce<Anchor | undefined>((last, anchor) => (last === undefined || anchor.seq > last.seq ? anchor : last), undefined);
  let previous = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  let checked = 0;
  const broken = (seq: number, reason: string): JournalVerification => ({
    entries: count,
    brokenAt: seq,
    reason,
    anchors: { checked, latest, missingAtEnd: 0 },
  });
  for (;;) {
    const rows = await db.selectFrom('journal_entry').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const { hash, ...entry } = row;
      if (row.seq !== expectedSeq) return broken(expectedSeq, 'entrée manquante');
      if (row.prev_hash !== previous) return broken(row.seq, 'lien avec l’entrée précédente rompu');
      if (entryHash(key, entry, canonicalJson(JSON.parse(entry.data))) !== hash)
        return broken(row.seq, 'contenu modifié ou scellé avec une autre clé');
      const anchor = attested.get(row.seq);
      if (anchor !== undefined) {
        if (anchor.hash !== hash) return broken(row.seq, `différente de l’ancre du ${new Date(anchor.at).toISOString()}`);
        checked += 1;
      }
      previous = hash;
      expectedSeq += 1;
      count += 1;
    }
  }
  const missingAtEnd = latest === undefined ? 0 : Math.max(0, latest.seq - count);
  if (missingAtEnd > 0) {
    return { entries: count, brokenAt: count + 1, reason: 'fin du journal supprimée', anchors: { checked, latest, missingAtEnd } };
  }
  return { entries: count, brokenAt: undefined, anchors: { checked, latest, missingAtEnd: 0 } };
}

/** The last entry: what an anchor records. */
export async function journalHead(db: Kysely<Database>): Promise<{ seq: number; hash: string } | undefined> {
  return db.selectFrom('journal_entry').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
