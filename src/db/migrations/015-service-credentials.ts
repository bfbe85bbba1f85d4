import type { Kysely } from 'kysely';

/**
 * A service's credentials change without a break: a renewed secret leaves the previous one valid until a date, and a
 * service that signs with its own keys may publish them at an address (jwks_uri) instead of handing them over.
 * One column a statement: SQLite adds one at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_provider').addColumn('previous_secret_hash', 'text').execute();
  await db.schema.alterTable('service_provider').addColumn('previous_secret_until', 'bigint').execute();
  await db.schema.alterTable('service_provider').addColumn('jwks_uri', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_provider').dropColumn('jwks_uri').execute();
  await db.schema.alterTable('service_provider').dropColumn('previous_secret_until').execute();
  await db.schema.alterTable('service_provider').dropColumn('previous_secret_hash').execute();
}
