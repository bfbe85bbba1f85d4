import { type Kysely, PostgresAdapter, sql } from 'kysely';

const REFUSAL = 'journal_entry : journal en ajout seul, modification et suppression refusées';

/**
 * The journal is append-only in the database itself, not only by habit of the code: UPDATE, DELETE (and TRUNCATE on
 * PostgreSQL) are refused by triggers, whatever the client. Someone with the owner's rights can still drop them;
 * the keyed chain and the anchors outside the database are there for that case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql
      .raw(`create function journal_entry_append_only() returns trigger language plpgsql as $$
        begin raise exception '${REFUSAL}' using errcode = 'insufficient_privilege'; end $$`)
      .execute(db);
    await sql`create trigger journal_entry_no_change before update or delete on journal_entry for each row execute function journal_entry_append_only()`.execute(
      db,
    );
    await sql`create trigger journal_entry_no_truncate before truncate on journal_entry for each statement execute function journal_entry_append_only()`.execute(
      db,
    );
    return;
  }
  for (const operation of ['update', 'delete']) {
    await sql
      .raw(`create trigger journal_entry_no_${operation} before ${operation} on journal_entry begin select raise(abort, '${REFUSAL}'); end`)
      .execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger journal_entry_no_change on journal_entry`.execute(db);
    await sql`drop trigger journal_entry_no_truncate on journal_entry`.execute(db);
    await sql`drop function journal_entry_append_only()`.execute(db);
    return;
  }
  await sql`drop trigger journal_entry_no_update`.execute(db);
  await sql`drop trigger journal_entry_no_delete`.execute(db);
}
