import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';

/**
 * Erases the data of justificatifs past their retention date, keeping a tombstone (ids, dates, hash of the signed
 * content) so that the journal stays verifiable and agents see "expiré". Each erasure is journaled with it.
 */
export async function purgeExpiredJustificatifs(db: Kysely<Database>, journal: Journal, now = Date.now()): Promise<number> {
  const due = await db
    .selectFrom('justificatif')
    .innerJoin('service_provider', 'service_provider.client_id', 'justificatif.client_id')
    .select([
      'justificatif.id',
      'justificatif.reference',
      'justificatif.content_hash',
      'justificatif.retention_until',
      'service_provider.organisation_id',
    ])
    .where('justificatif.retention_until', '<=', now)
    .where('justificatif.purged_at', 'is', null)
    .execute();
  for (const row of due) {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('justificatif').set({ sealed: null, citizen_name_sealed: null, purged_at: now }).where('id', '=', row.id).execute();
      await journal.append(
        {
          type: 'justificatif.purged',
          actor: 'system',
          organisationId: row.organisation_id,
          subject: `justificatif:${row.id}`,
          data: { reference: row.reference, contentHash: row.content_hash, retentionUntil: row.retention_until },
        },
        trx,
      );
    });
  }
  return due.length;
}
