import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisation')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('siret', 'varchar(14)', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('service_provider')
    .addColumn('client_id', 'varchar(128)', (col) => col.primaryKey())
    .addColumn('organisation_id', 'varchar(64)', (col) => col.notNull().references('organisation.id'))
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('procedure_name', 'text', (col) => col.notNull())
    .addColumn('auth_method', 'varchar(32)', (col) => col.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('jwks', 'text')
    .addColumn('redirect_uris', 'text', (col) => col.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('habilitation')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('client_id', 'varchar(128)', (col) => col.notNull().references('service_provider.client_id'))
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('legal_basis', 'text', (col) => col.notNull())
    .addColumn('legal_reference', 'text', (col) => col.notNull())
    .addColumn('retention_days', 'integer', (col) => col.notNull())
    .addColumn('valid_from', 'bigint', (col) => col.notNull())
    .addColumn('valid_until', 'bigint', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('habilitation_client_idx').on('habilitation').column('client_id').execute();

  await db.schema
    .createTable('consent')
    .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('citizen_sub', 'varchar(128)', (col) => col.notNull())
    .addColumn('client_id', 'varchar(128)', (col) => col.notNull().references('service_provider.client_id'))
    .addColumn('habilitation_id', 'varchar(64)', (col) => col.notNull().references('habilitation.id'))
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('decision', 'varchar(16)', (col) => col.notNull())
    .addColumn('grant_id', 'varchar(128)')
    .addColumn('decided_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('consent_citizen_idx').on('consent').column('citizen_sub').execute();

  await db.schema
    .createTable('oidc_payload')
    .addColumn('model', 'varchar(64)', (col) => col.notNull())
    .addColumn('id', 'varchar(255)', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payload_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payload_grant_idx').on('oidc_payload').column('grant_id').execute();
  await db.schema.createIndex('oidc_payload_uid_idx').on('oidc_payload').column('uid').execute();
  await db.schema.createIndex('oidc_payload_expires_idx').on('oidc_payload').column('expires_at').execute();

  await db.schema
    .createTable('signing_key')
    .addColumn('kid', 'varchar(128)', (col) => col.primaryKey())
    .addColumn('private_jwk', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['signing_key', 'oidc_payload', 'consent', 'habilitation', 'service_provider', 'organisation']) {
    await db.schema.dropTable(table).execute();
  }
}
