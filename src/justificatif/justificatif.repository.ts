import type { Kysely } from 'kysely';
import type { Database, JustificatifTable, WithdrawnTokenTable } from '../db/schema.js';

/** The only SQL on the justificatif and withdrawn_token tables: everything else goes through justificatifs.ts. */

export const insertJustificatif = (db: Kysely<Database>, row: JustificatifTable) => db.insertInto('justificatif').values(row).execute();

/**
 * The justificatif an access token opens: the one issued with the token's grant, for that client only. Read on each
 * call of the data API, so only what it serves, through the index of the grant and the client (migration 017; the
 * plan is checked in justificatifs.test.ts).
 */
export const grantLookup = (db: Kysely<Database>, grantId: string, clientId: string) =>
  db.selectFrom('justificatif').select(['id', 'withdrawn_at', 'sealed']).where('grant_id', '=', grantId).where('client_id', '=', clientId);

export const findByGrant = (db: Kysely<Database>, grantId: string, clientId: string) => grantLookup(db, grantId, clientId).executeTakeFirst();

export const findByReference = (db: Kysely<Database>, reference: string) =>
  db.selectFrom('justificatif').selectAll().where('reference', '=', reference).executeTakeFirst();

/** The justificatifs issued with these consents (a refusal has none). */
export const listByConsents = (db: Kysely<Database>, consentIds: string[]) =>
  consentIds.length === 0 ? Promise.resolve([]) : db.selectFrom('justificatif').selectAll().where('consent_id', 'in', consentIds).execute();

export type AgentListState = 'complet' | 'partiel' | 'aucune' | 'expire' | 'retire';

const OUTCOME_OF_STATE = { complet: 'all', partiel: 'some', aucune: 'none' } as const;

export interface ListFilters {
  /** The service providers whose justificatifs are listed: an organisation's, narrowed to a procedure. */
  clientIds: string[];
  from?: number;
  to?: number;
  state?: AgentListState;
  reference?: string;
  /** Search terms (justificatif_search) that must all be found: for each, its digests, one per service provider. */
  terms?: string[][];
  /** Only what this agent has not opened yet, among what arrived since they were authorised. */
  unreadBy?: { agentId: string; since: number };
}

const filtered = (db: Kysely<Database>, filters: ListFilters) => {
  let query = db.selectFrom('justificatif').where('client_id', 'in', filters.clientIds.length === 0 ? [''] : filters.clientIds);
  if (filters.reference !== undefined) query = query.where('reference', '=', filters.reference);
  for (const digests of filters.terms ?? [])
    query = query.where('id', 'in', db.selectFrom('justificatif_search').select('justificatif_search.justificatif_id').where('term', 'in', digests));
  if (filters.unreadBy !== undefined) {
    const { agentId, since } = filters.unreadBy;
    query = query
      .where('issued_at', '>=', since)
      .where('withdrawn_at', 'is', null)
      .where('purged_at', 'is', null)
      .where('id', 'not in', db.selectFrom('justificatif_reading').select('justificatif_reading.justificatif_id').where('agent_id', '=', agentId));
  }
  if (filters.from !== undefined) query = query.where('issued_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('issued_at', '<', filters.to);
  if (filters.state === 'expire') query = query.where('purged_at', 'is not', null);
  if (filters.state === 'retire') query = query.where('withdrawn_at', 'is not', null);
  if (filters.state === 'complet' || filters.state === 'partiel' || filters.state === 'aucune') {
    const outcome = OUTCOME_OF_STATE[filters.state];
    query = query.where('purged_at', 'is', null).where('withdrawn_at', 'is', null);
    // An outcome that was not recorded is never claimed complete: such rows are listed as partial.
    query =
      outcome === 'some' ? query.where((eb) => eb.or([eb('outcome', '=', 'some'), eb('outcome', 'is', null)])) : query.where('outcome', '=', outcome);
  }
  return query;
};

/** One page of justificatifs, newest first. */
export const listPage = (db: Kysely<Database>, filters: ListFilters, page: number, pageSize: number) =>
  filtered(db, filters)
    .select([
      'id',
      'consent_id',
      'client_id',
      'citizen_sub',
      'reference',
      'issued_at',
      'retention_until',
      'outcome',
      'purged_at',
      'withdrawn_at',
      'citizen_name_sealed',
    ])
    .orderBy('issued_at', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();

export const count = async (db: Kysely<Database>, filters: ListFilters) =>
  Number(
    (
      await filtered(db, filters)
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );

/** The keyed digests kept beside a justificatif: the words agents find it by, the people it also concerns. */
export type DigestTable = 'justificatif_search' | 'justificatif_concerned';

export const insertDigests = (db: Kysely<Database>, table: DigestTable, justificatifId: string, terms: string[]) =>
  terms.length === 0
    ? Promise.resolve()
    : db
        .insertInto(table)
        .values(terms.map((term) => ({ term, justificatif_id: justificatifId })))
        .onConflict((oc) => oc.doNothing())
        .execute()
        .then(() => undefined);

/** Names go with the data: so do the digests made from them. */
export const deleteDigests = async (db: Kysely<Database>, justificatifId: string) => {
  await db.deleteFrom('justificatif_search').where('justificatif_id', '=', justificatifId).execute();
  await db.deleteFrom('justificatif_concerned').where('justificatif_id', '=', justificatifId).execute();
};

/** Rows whose person can be read but was never indexed (issued before the search existed). */
export const listUnindexed = (db: Kysely<Database>) =>
  db
    .selectFrom('justificatif')
    .select(['id', 'client_id', 'citizen_name_sealed'])
    .where('citizen_name_sealed', 'is not', null)
    .where('id', 'not in', db.selectFrom('justificatif_search').select('justificatif_search.justificatif_id'))
    .execute();

/** Read by slices: a journal export names up to 50,000 justificatifs, beyond what a statement may bind (SQLite: 32,766). */
export const referencesOf = async (db: Kysely<Database>, ids: string[]) => {
  const rows: Array<{ id: string; reference: string | null }> = [];
  for (let start = 0; start < ids.length; start += 1000) {
    rows.push(
      ...(await db
        .selectFrom('justificatif')
        .select(['id', 'reference'])
        .where('id', 'in', ids.slice(start, start + 1000))
        .execute()),
    );
  }
  return rows;
};

/** The justificatifs whose answers name this person, another citizen's only, newest first. */
export const listConcerning = (db: Kysely<Database>, term: string, citizenSub: string) =>
  db
    .selectFrom('justificatif')
    .selectAll()
    .where('id', 'in', db.selectFrom('justificatif_concerned').select('justificatif_concerned.justificatif_id').where('term', '=', term))
    .where('citizen_sub', '!=', citizenSub)
    .orderBy('issued_at', 'desc')
    .execute();

export const markRead = (db: Kysely<Database>, agentId: string, justificatifId: string, at: number) =>
  db
    .insertInto('justificatif_reading')
    .values({ agent_id: agentId, justificatif_id: justificatifId, read_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();

/** Which of these justificatifs the agent has opened. */
export const readAmong = async (db: Kysely<Database>, agentId: string, justificatifIds: string[]) =>
  justificatifIds.length === 0
    ? new Set<string>()
    : new Set(
        (
          await db
            .selectFrom('justificatif_reading')
            .select('justificatif_id')
            .where('agent_id', '=', agentId)
            .where('justificatif_id', 'in', justificatifIds)
            .execute()
        ).map((row) => row.justificatif_id),
      );

export const markWithdrawn = (db: Kysely<Database>, id: string, at: number, receiptSealed: string) =>
  db
    .updateTable('justificatif')
    .set({ sealed: null, citizen_name_sealed: null, withdrawn_at: at, receipt_sealed: receiptSealed })
    .where('id', '=', id)
    .execute();

export const dueForPurge = (db: Kysely<Database>, now: number) =>
  db
    .selectFrom('justificatif')
    .select(['id', 'client_id', 'reference', 'content_hash', 'retention_until'])
    .where('retention_until', '<=', now)
    .where('purged_at', 'is', null);

export const listDueForPurge = (db: Kysely<Database>, now: number) => dueForPurge(db, now).execute();

/** Erases the data of a justificatif past its date; the tombstone (ids, dates, hash of the signed content) stays. */
export const markPurged = (db: Kysely<Database>, id: string, now: number) =>
  db
    .updateTable('justificatif')
    .set({ sealed: null, citizen_name_sealed: null, purged_at: now })
    .where('id', '=', id)
    .where('purged_at', 'is', null)
    .executeTakeFirst();

export const insertWithdrawnTokens = (db: Kysely<Database>, rows: WithdrawnTokenTable[]) =>
  rows.length === 0
    ? Promise.resolve()
    : db
        .insertInto('withdrawn_token')
        .values(rows)
        .execute()
        .then(() => undefined);

export const findWithdrawnToken = (db: Kysely<Database>, tokenHash: string) =>
  db
    .selectFrom('withdrawn_token')
    .innerJoin('justificatif', 'justificatif.id', 'withdrawn_token.justificatif_id')
    .select(['withdrawn_token.withdrawn_at', 'justificatif.client_id'])
    .where('withdrawn_token.token_hash', '=', tokenHash)
    .executeTakeFirst();

/** The sealed parts of one justificatif and its grant, read only to open or withdraw it. */
export const findSealed = (db: Kysely<Database>, id: string) =>
  db
    .selectFrom('justificatif')
    .select(['grant_id', 'sealed', 'content_hash', 'citizen_name_sealed', 'receipt_sealed'])
    .where('id', '=', id)
    .executeTakeFirst();
