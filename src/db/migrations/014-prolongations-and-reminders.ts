import type { Kysely } from 'kysely';

/** A request may ask to prolong a habilitation in force; a notice of its coming end also goes by e-mail, once sent. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('habilitation_request')
    .addColumn('kind', 'varchar(16)', (col) => col.notNull().defaultTo('initiale'))
    .execute();
  await db.schema.alterTable('habilitation_notice').addColumn('mailed_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation_notice').dropColumn('mailed_at').execute();
  await db.schema.alterTable('habilitation_request').dropColumn('kind').execute();
}
