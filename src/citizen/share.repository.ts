import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const shares = (db: Kysely<Database>, citizenSub: string) =>
  db
    .selectFrom('consent')
    .innerJoin('service_provider', 'service_provider.client_id', 'consent.client_id')
    .innerJoin('organisation', 'organisation.id', 'service_provider.organisation_id')
    .innerJoin('habilitation', 'habilitation.id', 'consent.habilitation_id')
    .leftJoin('justificatif', 'justificatif.consent_id', 'consent.id')
    .select([
      'consent.id as consent_id',
      'consent.decision',
      'consent.decided_at',
      'consent.scopes',
      'consent.grant_id',
      'service_provider.display_name',
      'service_provider.procedure_name',
      'organisation.name as organisation_name',
      'organisation.siret as organisation_siret',
      'organisation.id as organisation_id',
      'habilitation.purpose',
      'justificatif.id as justificatif_id',
      'justificatif.reference',
      'justificatif.retention_until',
      'justificatif.purged_at',
      'justificatif.withdrawn_at',
      'justificatif.receipt_sealed',
      'justificatif.sealed',
    ])
    .where('consent.citizen_sub', '=', citizenSub);

/** Every share and refusal of one citizen, newest first: never anyone else's. */
export const listShares = (db: Kysely<Database>, citizenSub: string) => shares(db, citizenSub).orderBy('consent.decided_at', 'desc').execute();

/** One share by its receipt number, only if it is this citizen's. */
export const findShare = (db: Kysely<Database>, citizenSub: string, reference: string) =>
  shares(db, citizenSub).where('justificatif.reference', '=', reference).executeTakeFirst();

export type Share = NonNullable<Awaited<ReturnType<typeof findShare>>>;

export type ShareStatus = 'active' | 'withdrawn' | 'expired' | 'refused';

export const statusOf = (share: Pick<Share, 'decision' | 'withdrawn_at' | 'purged_at'>): ShareStatus =>
  share.decision === 'refused' ? 'refused' : share.withdrawn_at !== null ? 'withdrawn' : share.purged_at !== null ? 'expired' : 'active';
