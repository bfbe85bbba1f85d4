import type { Kysely } from 'kysely';

/**
 * What agents need for a working day: finding a person among encrypted names (keyed digests of the words of the name
 * and of the birth date, justificatif_search), knowing what they have not read yet (justificatif_reading), their
 * colleagues' names and last sign-in, and whether they want a daily e-mail of what arrived.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('justificatif_search')
    .addColumn('term', 'varchar(64)', (col) => col.notNull())
    .addColumn('justificatif_id', 'varchar(64)', (col) => col.notNull().references('justificatif.id'))
    .addPrimaryKeyConstraint('justificatif_search_pk', ['term', 'justificatif_id'])
    .execute();
  await db.schema.createIndex('justificatif_search_justificatif_idx').on('justificatif_search').column('justificatif_id').execute();

  await db.schema
    .createTable('justificatif_reading')
    .addColumn('agent_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('justificatif_id', 'varchar(64)', (col) => col.notNull().references('justificatif.id'))
    .addColumn('read_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('justificatif_reading_pk', ['agent_id', 'justificatif_id'])
    .execute();
  await db.schema.createIndex('justificatif_client_issued_idx').on('justificatif').columns(['client_id', 'issued_at']).execute();

  await db.schema.alterTable('agent').addColumn('given_name', 'varchar(255)').execute();
  await db.schema.alterTable('agent').addColumn('usual_name', 'varchar(255)').execute();
  await db.schema.alterTable('agent').addColumn('last_signed_in_at', 'bigint').execute();
  await db.schema
    .alterTable('agent')
    .addColumn('daily_digest', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('agent').addColumn('digest_sent_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['digest_sent_at', 'daily_digest', 'last_signed_in_at', 'usual_name', 'given_name'])
    await db.schema.alterTable('agent').dropColumn(column).execute();
  await db.schema.dropIndex('justificatif_client_issued_idx').execute();
  await db.schema.dropTable('justificatif_reading').execute();
  await db.schema.dropTable('justificatif_search').execute();
}
