import { type Kysely, sql } from 'kysely';

/**
 * Two reads that grew with the table. The data API's (a grant and its service) was planned by SQLite on the index of
 * the service's justificatifs by date, so that each call walked every justificatif of the service: the index on the
 * grant now also holds the service, and is the one chosen. The daily erasure at end of retention read the whole
 * table: an index holds only what is still to erase.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('justificatif_grant_idx').execute();
  await db.schema.createIndex('justificatif_grant_client_idx').on('justificatif').columns(['grant_id', 'client_id']).execute();
  await db.schema
    .createIndex('justificatif_retention_due_idx')
    .on('justificatif')
    .column('retention_until')
    .where(sql.ref('purged_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('justificatif_retention_due_idx').execute();
  await db.schema.dropIndex('justificatif_grant_client_idx').execute();
  await db.schema.createIndex('justificatif_grant_idx').on('justificatif').column('grant_id').execute();
}
