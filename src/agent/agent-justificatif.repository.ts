import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface JustificatifFilters {
  from?: number;
  to?: number;
  procedure?: string;
  status?: 'complet' | 'partiel' | 'expire' | 'retire';
}

export const PAGE_SIZE = 20;

const ofOrganisation = (db: Kysely<Database>, organisationId: string, filters: JustificatifFilters) => {
  let query = db
    .selectFrom('justificatif')
    .innerJoin('service_provider', 'service_provider.client_id', 'justificatif.client_id')
    .where('service_provider.organisation_id', '=', organisationId);
  if (filters.from !== undefined) query = query.where('justificatif.issued_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('justificatif.issued_at', '<', filters.to);
  if (filters.procedure !== undefined) query = query.where('service_provider.procedure_name', '=', filters.procedure);
  if (filters.status === 'expire') query = query.where('justificatif.purged_at', 'is not', null);
  if (filters.status === 'retire') query = query.where('justificatif.withdrawn_at', 'is not', null);
  if (filters.status === 'complet' || filters.status === 'partiel') {
    query = query
      .where('justificatif.purged_at', 'is', null)
      .where('justificatif.withdrawn_at', 'is', null)
      .where('justificatif.complete', '=', filters.status === 'complet' ? 1 : 0);
  }
  return query;
};

/** One page of an organisation's justificatifs, newest first: only its own, whatever the filters. */
export const listJustificatifs = (db: Kysely<Database>, organisationId: string, filters: JustificatifFilters, page: number) =>
  ofOrganisation(db, organisationId, filters)
    .select([
      'justificatif.id',
      'justificatif.reference',
      'justificatif.issued_at',
      'justificatif.retention_until',
      'justificatif.complete',
      'justificatif.purged_at',
      'justificatif.withdrawn_at',
      'service_provider.procedure_name',
    ])
    .orderBy('justificatif.issued_at', 'desc')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();

export const countJustificatifs = async (db: Kysely<Database>, organisationId: string, filters: JustificatifFilters) =>
  Number(
    (
      await ofOrganisation(db, organisationId, filters)
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow()
    ).count,
  );

export const listProcedures = (db: Kysely<Database>, organisationId: string) =>
  db
    .selectFrom('service_provider')
    .select('procedure_name')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .orderBy('procedure_name')
    .execute();

/** A justificatif by its printed number, with the organisation it was issued to. */
export const findByReference = (db: Kysely<Database>, reference: string) =>
  db
    .selectFrom('justificatif')
    .innerJoin('service_provider', 'service_provider.client_id', 'justificatif.client_id')
    .innerJoin('organisation', 'organisation.id', 'service_provider.organisation_id')
    .selectAll('justificatif')
    .select(['service_provider.organisation_id', 'service_provider.procedure_name', 'organisation.name as organisation_name'])
    .where('justificatif.reference', '=', reference)
    .executeTakeFirst();
