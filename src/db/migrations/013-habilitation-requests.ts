import type { Kysely } from 'kysely';

/**
 * Services asking for a habilitation themselves (onboarding/): their requests, each request's history and messages,
 * the portal's instructors, and a new service's secret kept sealed until its requester has seen it once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('habilitation_request')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('number', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('siret', 'varchar(14)', (col) => col.notNull())
    .addColumn('organisation_name', 'varchar(200)', (col) => col.notNull())
    .addColumn('requester_sub', 'varchar(255)', (col) => col.notNull())
    .addColumn('requester_email', 'varchar(255)', (col) => col.notNull())
    .addColumn('requester_name', 'varchar(255)', (col) => col.notNull())
    .addColumn('state', 'varchar(32)', (col) => col.notNull())
    .addColumn('form', 'text', (col) => col.notNull())
    .addColumn('client_id', 'varchar(64)')
    .addColumn('habilitation_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('habilitation_request_siret_idx').on('habilitation_request').column('siret').execute();
  await db.schema.createIndex('habilitation_request_state_idx').on('habilitation_request').columns(['state', 'submitted_at']).execute();

  await db.schema
    .createTable('habilitation_request_event')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('request_id', 'varchar(64)', (col) => col.notNull().references('habilitation_request.id'))
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('author_role', 'varchar(32)', (col) => col.notNull())
    .addColumn('author_name', 'varchar(255)', (col) => col.notNull())
    .addColumn('action', 'varchar(32)', (col) => col.notNull())
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('habilitation_request_event_request_idx').on('habilitation_request_event').columns(['request_id', 'at']).execute();

  await db.schema
    .createTable('instructor')
    .addColumn('email', 'varchar(255)', (col) => col.primaryKey())
    .addColumn('added_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('credential_handover')
    .addColumn('request_id', 'varchar(64)', (col) => col.primaryKey().references('habilitation_request.id'))
    .addColumn('client_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('secret_sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_handover').execute();
  await db.schema.dropTable('instructor').execute();
  await db.schema.dropTable('habilitation_request_event').execute();
  await db.schema.dropTable('habilitation_request').execute();
}
