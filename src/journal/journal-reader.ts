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

/** One page of an organisation's part of the journal, newest first. */
export const entriesOfOrganisation = (db: Kysely<Database>, organisationId: string, page: number, pageSize: number): Promise<JournalEntryTable[]> =>
  db
    .selectFrom('journal_entry')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('seq', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();

/** The entries of these types since a date, oldest first, without who did them: what public statistics count. */
export const entriesOfTypesSince = (db: Kysely<Database>, types: readonly string[], since: number) =>
  db
    .selectFrom('journal_entry')
    .select(['type', 'at', 'data', 'subject'])
    .where('type', 'in', [...types])
    .where('at', '>=', since)
    .orderBy('seq')
    .execute();
