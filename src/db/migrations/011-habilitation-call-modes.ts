import type { Kysely } from 'kysely';

/** Call modes (catalogue/call-modes.ts): per API, whether a habilitation's data are asked by identity or with FranceConnect. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation').addColumn('call_modes', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation').dropColumn('call_modes').execute();
}
