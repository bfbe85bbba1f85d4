import type { Kysely } from 'kysely';

/** Derived answers (catalogue/derivations.ts): per scope, the rule a habilitation sends instead of the raw value. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation').addColumn('derivations', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation').dropColumn('derivations').execute();
}
