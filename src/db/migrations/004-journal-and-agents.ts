import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Append-only: each entry carries the previous entry's hash and its own; no code path updates or deletes one.
  await db.schema
    .createTable('journal_entry')
    .addColumn('seq', 'bigint', (col) => col.primaryKey())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('actor', 'varchar(255)', (col) => col.notNull())
    .addColumn('organisation_id', 'varchar(64)')
    .addColumn('subject', 'varchar(255)')
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('prev_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('hash', 'varchar(64)', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('journal_type_at_idx').on('journal_entry').columns(['type', 'at']).execute();
  await db.schema.createIndex('journal_subject_idx').on('journal_entry').column('subject').execute();
  await db.schema.createIndex('journal_organisation_idx').on('journal_entry').column('organisation_id').execute();

  await db.schema
    .createTable('agent')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('email', 'varchar(255)', (col) => col.notNull())
    .addColumn('organisation_id', 'varchar(64)', (col) => col.notNull().references('organisation.id'))
    .addColumn('role', 'varchar(16)', (col) => col.notNull())
    .addColumn('proconnect_sub', 'varchar(255)')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('agent_email_organisation_unique', ['email', 'organisation_id'])
    .execute();

  await db.schema.alterTable('justificatif').addColumn('reference', 'varchar(32)').execute();
  await db.schema.alterTable('justificatif').addColumn('content_hash', 'varchar(64)').execute();
  await db.schema.alterTable('justificatif').addColumn('citizen_name_sealed', 'text').execute();
  await db.schema.alterTable('justificatif').addColumn('purged_at', 'bigint').execute();
  await db.schema.alterTable('justificatif').addColumn('complete', 'integer').execute();
  await db.schema.createIndex('justificatif_reference_idx').on('justificatif').column('reference').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agent').execute();
  await db.schema.dropTable('journal_entry').execute();
}
