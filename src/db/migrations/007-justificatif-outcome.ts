import { type Kysely, sql } from 'kysely';

/**
 * A justificatif's outcome in three values (every item obtained, some, none) instead of a complete/partial flag,
 * which called "partial" a justificatif that obtained nothing. Older rows keep what the flag said; a row flagged
 * partial may have obtained nothing, which only its encrypted content could tell: it stays "some".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('justificatif').addColumn('outcome', 'varchar(8)').execute();
  await sql`update justificatif set outcome = case complete when 1 then 'all' when 0 then 'some' end`.execute(db);
  await db.schema.alterTable('justificatif').dropColumn('complete').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('justificatif').addColumn('complete', 'integer').execute();
  await sql`update justificatif set complete = case outcome when 'all' then 1 when 'some' then 0 when 'none' then 0 end`.execute(db);
  await db.schema.alterTable('justificatif').dropColumn('outcome').execute();
}
