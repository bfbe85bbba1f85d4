import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { frenchDate } from '../wording/values.fr.js';
import type { DataCipher } from '../crypto/data-cipher.js';
import { normaliseReference } from '../justificatif/reference.js';
import { AppError } from '../http/errors.js';
import { accessLog } from './access-log.js';
import type { TransmissionReceipt } from '../justificatif/receipt.js';
import { findShare, listShares, type Share, statusOf } from './share.repository.js';
import type { Withdraw } from './withdrawal.service.js';

export interface CitizenSpaceDependencies {
  db: Kysely<Database>;
  cipher: DataCipher;
  withdraw: Withdraw;
  pseudonymSecret: string;
}

const STATUS = {
  active: { label: 'Transmise', badge: 'success' },
  withdrawn: { label: 'Retirée', badge: 'warning' },
  expired: { label: 'Expirée', badge: 'info' },
  refused: { label: 'Refusée', badge: 'info' },
} as const;

const citizenSub = (req: Request) => {
  const citizen = req.session.citizen;
  if (citizen === undefined) throw new Error('usager absent malgré la garde');
  return citizen.sub;
};

const date = (epochMs: number | null) => (epochMs === null ? '' : frenchDate(new Date(epochMs).toISOString()));
const payloadOf = <T>(jws: string) => JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as T;

export function citizenSpaceController({ db, cipher, withdraw, pseudonymSecret }: CitizenSpaceDependencies) {
  /** This citizen's share by its number; anyone else's (or none) is a 404, whatever the number. */
  const loadShare = async (req: Request): Promise<Share> => {
    const share = await findShare(db, citizenSub(req), normaliseReference(String(req.params.reference)));
    if (share === undefined) throw new AppError('HTTP-404', 'transmission inconnue ou d’un autre usager');
    return share;
  };
  const receiptsOf = (share: Share) =>
    share.receipt_sealed === null ? undefined : (JSON.parse(cipher.decrypt(share.receipt_sealed)) as { transmission: string; erasure?: string });
  const download = (res: Parameters<RequestHandler>[1], name: string, jws: string) =>
    res
      .type('application/json')
      .set('content-disposition', `attachment; filename="${name}.json"`)
      .send(JSON.stringify({ recu: payloadOf(jws), signature: jws }, null, 2));

  return {
    list: (async (req, res) => {
      const shares = await listShares(db, citizenSub(req));
      res.render('mon-espace/liste.njk', {
        shares: shares.map((share) => ({
          ...share,
          status: STATUS[statusOf(share)],
          date: date(share.decided_at),
          until: date(share.retention_until),
          items: (JSON.parse(share.scopes) as string[]).length,
        })),
      });
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      const share = await loadShare(req);
      const receipts = receiptsOf(share);
      const receipt = receipts === undefined ? undefined : payloadOf<TransmissionReceipt>(receipts.transmission);
      res.render('mon-espace/transmission.njk', {
        share,
        status: statusOf(share),
        statusText: STATUS[statusOf(share)],
        receipt,
        date: date(share.decided_at),
        until: date(share.retention_until),
        withdrawnOn: date(share.withdrawn_at),
        log: (await accessLog(db, share.justificatif_id ?? '', share.procedure_name, pseudonymSecret)).map((entry) => ({
          ...entry,
          when: new Date(entry.at).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }),
        })),
        hasErasure: receipts?.erasure !== undefined,
        withdrawn: req.query.retrait === 'ok',
      });
    }) satisfies RequestHandler,

    printableReceipt: (async (req, res) => {
      const share = await loadShare(req);
      const receipts = receiptsOf(share);
      if (receipts === undefined) throw new AppError('HTTP-404', 'pas de reçu');
      res.render('mon-espace/recu.njk', {
        receipt: payloadOf<TransmissionReceipt>(receipts.transmission),
        date: date(share.decided_at),
        until: date(share.retention_until),
      });
    }) satisfies RequestHandler,

    signedReceipt: (async (req, res) => {
      const share = await loadShare(req);
      const receipts = receiptsOf(share);
      if (receipts === undefined) throw new AppError('HTTP-404', 'pas de reçu');
      download(res, `recu-${share.reference}`, receipts.transmission);
    }) satisfies RequestHandler,

    signedErasureReceipt: (async (req, res) => {
      const share = await loadShare(req);
      const erasure = receiptsOf(share)?.erasure;
      if (erasure === undefined) throw new AppError('HTTP-404', 'pas de reçu d’effacement');
      download(res, `recu-effacement-${share.reference}`, erasure);
    }) satisfies RequestHandler,

    confirmWithdrawal: (async (req, res) => {
      const share = await loadShare(req);
      if (statusOf(share) !== 'active') return res.redirect(303, `/mon-espace/transmissions/${share.reference}`);
      res.render('mon-espace/retrait.njk', { share });
    }) satisfies RequestHandler,

    withdraw: (async (req, res) => {
      const share = await loadShare(req);
      if (statusOf(share) === 'active') await withdraw(share, citizenSub(req));
      res.redirect(303, `/mon-espace/transmissions/${share.reference}?retrait=ok`);
    }) satisfies RequestHandler,
  };
}
