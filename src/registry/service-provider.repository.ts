import type { Kysely, Updateable } from 'kysely';
import type { Database, ServiceProviderTable } from '../db/schema.js';

export const insertServiceProvider = (db: Kysely<Database>, row: ServiceProviderTable) => db.insertInto('service_provider').values(row).execute();

export const updateServiceProvider = (db: Kysely<Database>, clientId: string, changes: Updateable<ServiceProviderTable>) =>
  db.updateTable('service_provider').set(changes).where('client_id', '=', clientId).execute();

/** Changes the secret only if it is still the one read: of two renewals at once, the second changes nothing. */
export const replaceSecret = async (
  db: Kysely<Database>,
  clientId: string,
  expected: string | null,
  changes: Updateable<ServiceProviderTable>,
): Promise<boolean> => {
  const result = await db
    .updateTable('service_provider')
    .set(changes)
    .where('client_id', '=', clientId)
    .where((eb) => (expected === null ? eb('secret_hash', 'is', null) : eb('secret_hash', '=', expected)))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
};

/** The service provider with its organisation, as pages and the authorization server show it. */
export const findServiceProvider = (db: Kysely<Database>, clientId: string) =>
  db
    .selectFrom('service_provider')
    .innerJoin('organisation', 'organisation.id', 'service_provider.organisation_id')
    .selectAll('service_provider')
    .select(['organisation.name as organisation_name', 'organisation.siret as organisation_siret'])
    .where('service_provider.client_id', '=', clientId)
    .executeTakeFirst();

export const listServiceProviders = (db: Kysely<Database>) =>
  db
    .selectFrom('service_provider')
    .innerJoin('organisation', 'organisation.id', 'service_provider.organisation_id')
    .selectAll('service_provider')
    .select(['organisation.name as organisation_name', 'organisation.siret as organisation_siret'])
    .orderBy('service_provider.client_id')
    .execute();

/** An organisation's service providers, by procedure name. */
export const listServiceProvidersOf = (db: Kysely<Database>, organisationId: string) =>
  db
    .selectFrom('service_provider')
    .select(['client_id', 'display_name', 'procedure_name', 'environment'])
    .where('organisation_id', '=', organisationId)
    .orderBy('procedure_name')
    .execute();

export type ServiceProviderRow = NonNullable<Awaited<ReturnType<typeof findServiceProvider>>>;
