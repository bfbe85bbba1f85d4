import type { Kysely } from 'kysely';

/**
 * The other people a transmitted answer names (a co-allocataire, children): keyed digests of their identity pivot
 * (crypto/blind-index.ts), so that a person who signs in finds the transmissions that concern them without the
 * database holding their name. Erased with the justificatif's data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('justificatif_concerned')
    .addColumn('term', 'varchar(64)', (col) => col.notNull())
    .addColumn('justificatif_id', 'varchar(64)', (col) => col.notNull().references('justificatif.id'))
    .addPrimaryKeyConstraint('justificatif_concerned_pk', ['term', 'justificatif_id'])
    .execute();
  await db.schema.createIndex('justificatif_concerned_justificatif_idx').on('justificatif_concerned').column('justificatif_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('justificatif_concerned').execute();
}
