import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import { findServiceProvider } from '../registry/service-provider.repository.js';
import { deleteDigests, listDueForPurge, markPurged } from './justificatif.repository.js';

/**
 * Erases the data of justificatifs past their retention date, keeping a tombstone (ids, dates, hash of the signed
 * content) so that the journal stays verifiable and agents see "expiré". Each erasure is journaled with it; a
 * justificatif another node purged first is not counted twice.
 */
export async function purgeExpiredJustificatifs(db: Kysely<Database>, journal: Journal, now = Date.now()): Promise<number> {
  let purged = 0;
  for (const row of await listDueForPurge(db, now)) {
    const organisationId = (await findServiceProvider(db, row.client_id))?.organisation_id ?? null;
    const done = await db.transaction().execute(async (trx) => {
      if (Number((await markPurged(trx, row.id, now)).numUpdatedRows) === 0) return false;
      await deleteDigests(trx, row.id);
      await journal.append(
        {
          type: 'justificatif.purged',
          actor: 'system',
          organisationId,
          subject: `justificatif:${row.id}`,
          data: { reference: row.reference, contentHash: row.content_hash, retentionUntil: row.retention_until },
        },
        trx,
      );
      return true;
    });
    if (done) purged += 1;
  }
  return purged;
}
