import type { Kysely } from 'kysely';

/**
 * A service first runs in « bac à sable » (FranceConnect's integration platform, the data providers' test platforms,
 * test identities and fictitious data), then in production after a second approval: a service of its own. Those
 * registered before were all in production. A request may now ask for that second approval.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('service_provider')
    .addColumn('environment', 'varchar(16)', (col) => col.notNull().defaultTo('production'))
    .execute();
  await db.schema.alterTable('habilitation_request').addColumn('source_client_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('habilitation_request').dropColumn('source_client_id').execute();
  await db.schema.alterTable('service_provider').dropColumn('environment').execute();
}
