import type { Kysely } from 'kysely';
import type { Database, JournalEntryTable } from '../db/schema.js';

/** Reading the journal for pages: what it says about one subject, one organisation's part, counts for statistics. */

/** The entries of these types about one subject ("justificatif:<id>"), newest first. */
export const entriesAbout = (db: Kysely<Database>, subject: string, types: readonly string[]): Promise<JournalEntryTable[]> =>
  db
    .selectFrom('journal_entry')
    .selectAll()
    .where('subject', '=', subject)
    .where('type', 'in', [...types])
    .orderBy('seq', 'desc')
    .execute();

/** What an organisation's administrators narrow their journal to. */
export interface OrganisationJournalFilters {
  from?: number;
  to?: number;
  type?: string;
  actor?: string;
}

const ofOrganisation = (db: Kysely<Database>, organisationId: string, filters: OrganisationJournalFilters) => {
  let query = db.selectFrom('journal_entry').where('organisation_id', '=', organisationId);
  if (filters.from !== undefined) query = query.where('at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('at', '<', filters.to);
  if (filters.type !== undefined) query = query.where('type', '=', filters.type);
  if (filters.actor !== undefined) query = query.where('actor', '=', filters.actor);
  return query;
};

/** One page of an organisation's part of the journal, newest first, and how many entries match in all. */
export async function entriesOfOrganisation(
  db: Kysely<Database>,
  organisationId: string,
  filters: OrganisationJournalFilters,
  page: number,
  pageSize: number,
): Promise<{ entries: JournalEntryTable[]; total: number }> {
  const [entries, counted] = await Promise.all([
    ofOrganisation(db, organisationId, filters)
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    ofOrganisation(db, organisationId, filters)
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return { entries, total: Number(counted.count) };
}

/** The entries of these types since a date, oldest first, without who did them: what public statistics count. */
export const entriesOfTypesSince = (db: Kysely<Database>, types: readonly string[], since: number) =>
  db
    .selectFrom('journal_entry')
    .select(['type', 'at', 'data', 'subject'])
    .where('type', 'in', [...types])
    .where('at', '>=', since)
    .orderBy('seq')
    .execute();

/**
 * The entries of these types since a date, oldest first, recorded for one organisation or by some actors (its
 * services, « sp:<client_id> », whose API reads carry no organisation): what an organisation's dashboard counts.
 */
export const entriesForDashboard = (
  db: Kysely<Database>,
  { types, since, organisationId, actors }: { types: readonly string[]; since: number; organisationId: string; actors: string[] },
) =>
  db
    .selectFrom('journal_entry')
    .select(['type', 'at', 'data', 'actor'])
    .where('type', 'in', [...types])
    .where('at', '>=', since)
    .where((eb) => eb.or([eb('organisation_id', '=', organisationId), ...(actors.length > 0 ? [eb('actor', 'in', actors)] : [])]))
    .orderBy('seq')
    .execute();
