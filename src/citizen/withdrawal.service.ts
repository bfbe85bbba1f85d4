import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import type { Database } from '../db/schema.js';
import type { DataCipher } from '../crypto/data-cipher.js';
import type { JustificatifSigner } from '../signing/jws.js';
import type { Journal } from '../journal/journal.js';
import { erasureReceipt, type TransmissionReceipt } from '../justificatif/receipt.js';
import type { Share } from './share.repository.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Withdrawal: the service provider's tokens for the grant are revoked (access, refresh, codes), the justificatif's
 * data erased (a tombstone stays), the revoked tokens remembered by hash so the data API can say why, an erasure
 * receipt signed, and the whole recorded in the journal, in one transaction.
 */
export function createWithdrawal(deps: { db: Kysely<Database>; provider: Provider; cipher: DataCipher; sign: JustificatifSigner; journal: Journal }) {
  const { db, provider, cipher, sign, journal } = deps;
  return async function withdraw(share: Share, citizenSub: string): Promise<{ erasureReceipt: string; at: number }> {
    if (share.justificatif_id === null || share.grant_id === null || share.receipt_sealed === null) throw new Error('transmission sans justificatif');
    const at = Date.now();
    const receipts = JSON.parse(cipher.decrypt(share.receipt_sealed)) as { transmission: string; erasure?: string };
    const transmission = JSON.parse(Buffer.from(receipts.transmission.split('.')[1] ?? '', 'base64url').toString('utf8')) as TransmissionReceipt;
    const erasure = await sign.receipt(erasureReceipt(transmission, at));
    const justificatifId = share.justificatif_id;
    const grantId = share.grant_id;
    await db.transaction().execute(async (trx) => {
      const tokens = await trx.selectFrom('oidc_payload').select('id').where('model', '=', 'AccessToken').where('grant_id', '=', grantId).execute();
      if (tokens.length > 0) {
        await trx
          .insertInto('withdrawn_token')
          .values(tokens.map((token) => ({ token_hash: sha256(token.id), justificatif_id: justificatifId, withdrawn_at: at })))
          .execute();
      }
      await trx.deleteFrom('oidc_payload').where('grant_id', '=', grantId).execute();
      await trx.deleteFrom('oidc_payload').where('model', '=', 'Grant').where('id', '=', grantId).execute();
      await trx
        .updateTable('justificatif')
        .set({ sealed: null, citizen_name_sealed: null, withdrawn_at: at, receipt_sealed: cipher.encrypt(JSON.stringify({ ...receipts, erasure })) })
        .where('id', '=', justificatifId)
        .execute();
      await journal.append(
        {
          type: 'justificatif.withdrawn',
          actor: `citizen:${citizenSub}`,
          organisationId: share.organisation_id,
          subject: `justificatif:${justificatifId}`,
          data: { reference: share.reference, tokensRevoked: tokens.length },
        },
        trx,
      );
    });
    // oidc-provider may keep models in its own caches: its revocation API is called too, on the now-empty rows.
    await Promise.all([
      provider.AccessToken.revokeByGrantId(grantId),
      provider.AuthorizationCode.revokeByGrantId(grantId),
      provider.RefreshToken.revokeByGrantId(grantId),
    ]);
    return { erasureReceipt: erasure, at };
  };
}

export type Withdraw = ReturnType<typeof createWithdrawal>;

/** Whether a token was revoked by a withdrawal (the data API then answers 410, not "unknown token"). */
export const withdrawnAt = async (db: Kysely<Database>, token: string) =>
  (await db.selectFrom('withdrawn_token').select('withdrawn_at').where('token_hash', '=', sha256(token)).executeTakeFirst())?.withdrawn_at;
