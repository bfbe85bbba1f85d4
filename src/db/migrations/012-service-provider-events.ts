import type { Kysely } from 'kysely';

/**
 * Telling service providers what happened to what they received: the address where each one takes its events
 * (service_provider.webhook_url), the outbox those events wait in until delivered (sp_event), and which notices of a
 * habilitation's coming end were already given (habilitation_notice), so that each is given once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_provider').addColumn('webhook_url', 'text').execute();

  await db.schema
    .createTable('sp_event')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('client_id', 'varchar(64)', (col) => col.notNull().references('service_provider.client_id'))
    .addColumn('type', 'varchar(64)', (col) => col.notNull())
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'bigint', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('abandoned_at', 'bigint')
    .addColumn('last_outcome', 'varchar(200)')
    .execute();
  await db.schema.createIndex('sp_event_due_idx').on('sp_event').column('next_attempt_at').execute();
  await db.schema.createIndex('sp_event_client_idx').on('sp_event').columns(['client_id', 'occurred_at']).execute();

  await db.schema
    .createTable('habilitation_notice')
    .addColumn('habilitation_id', 'varchar(64)', (col) => col.notNull().references('habilitation.id'))
    .addColumn('valid_until', 'bigint', (col) => col.notNull())
    .addColumn('days_before', 'integer', (col) => col.notNull())
    .addColumn('noticed_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('habilitation_notice_pk', ['habilitation_id', 'valid_until', 'days_before'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('habilitation_notice').execute();
  await db.schema.dropTable('sp_event').execute();
  await db.schema.alterTable('service_provider').dropColumn('webhook_url').execute();
}
