import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('justificatif')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('consent_id', 'varchar(64)', (col) => col.notNull().references('consent.id'))
    .addColumn('client_id', 'varchar(128)', (col) => col.notNull().references('service_provider.client_id'))
    .addColumn('grant_id', 'varchar(128)', (col) => col.notNull())
    .addColumn('citizen_sub', 'varchar(128)', (col) => col.notNull())
    .addColumn('issued_at', 'bigint', (col) => col.notNull())
    .addColumn('retention_until', 'bigint', (col) => col.notNull())
    .addColumn('sealed', 'text')
    .execute();
  await db.schema.createIndex('justificatif_grant_idx').on('justificatif').column('grant_id').execute();
  await db.schema.createIndex('justificatif_citizen_idx').on('justificatif').column('citizen_sub').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('justificatif').execute();
}
