import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('justificatif').addColumn('withdrawn_at', 'bigint').execute();
  // The signed receipt, kept (encrypted) after the data are erased: it belongs to the citizen.
  await db.schema.alterTable('justificatif').addColumn('receipt_sealed', 'text').execute();
  // Tokens revoked by a withdrawal, by hash: the data API can then say "withdrawn" rather than "unknown token".
  await db.schema
    .createTable('withdrawn_token')
    .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('justificatif_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('withdrawn_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('withdrawn_token').execute();
}
