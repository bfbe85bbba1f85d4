import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../http/errors.js';
import type { Justificatifs } from '../justificatif/justificatifs.js';
import { receiptFile } from '../justificatif/receipt.js';
import { normaliseReference } from '../justificatif/reference.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { SHARE_STATUS_TEXTS } from '../wording/labels.fr.js';
import { type CitizenSpace, type Share, shownStatusOf } from './citizen-space.js';

export interface CitizenSpaceControllerDependencies {
  space: CitizenSpace;
  justificatifs: Pick<Justificatifs, 'receipts'>;
}

const citizenSub = (req: Request) => {
  const citizen = req.session.citizen;
  if (citizen === undefined) throw new Error('usager absent malgré la garde');
  return citizen.sub;
};

const date = (epochMs: number | null | undefined) => (epochMs === null || epochMs === undefined ? '' : frenchDate(epochMs));

/** What the list and the detail pages show of a share. */
const shareView = (share: Share) => ({
  ...share,
  statusText: SHARE_STATUS_TEXTS[shownStatusOf(share)],
  date: date(share.decidedAt),
  until: date(share.justificatif?.retentionUntil),
  items: share.scopes.length,
});

export function citizenSpaceController({ space, justificatifs }: CitizenSpaceControllerDependencies) {
  /** This citizen's share by its number; anyone else's (or none) is a 404, whatever the number. */
  const loadShare = async (req: Request): Promise<Share & { justificatif: NonNullable<Share['justificatif']> }> => {
    const share = await space.find(citizenSub(req), normaliseReference(String(req.params.reference)));
    if (share?.justificatif === undefined) throw new AppError('HTTP-404', 'transmission inconnue ou d’un autre usager');
    return { ...share, justificatif: share.justificatif };
  };
  const receiptsOf = async (share: Awaited<ReturnType<typeof loadShare>>) => {
    const receipts = await justificatifs.receipts(share.justificatif);
    if (receipts === undefined) throw new AppError('HTTP-404', 'pas de reçu');
    return receipts;
  };
  const download = (res: Response, name: string, jws: string) =>
    res.type('application/json').set('content-disposition', `attachment; filename="${name}.json"`).send(receiptFile(jws));

  return {
    list: (async (req, res) => {
      res.render('mon-espace/liste.njk', { shares: (await space.list(citizenSub(req))).map(shareView) });
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      const share = await loadShare(req);
      const receipts = await justificatifs.receipts(share.justificatif);
      res.render('mon-espace/transmission.njk', {
        share: shareView(share),
        status: share.status,
        statusText: SHARE_STATUS_TEXTS[shownStatusOf(share)],
        receipt: receipts?.transmission,
        date: date(share.decidedAt),
        until: date(share.justificatif.retentionUntil),
        withdrawnOn: date(share.justificatif.withdrawnAt),
        log: (await space.accessLog(share)).map((entry) => ({ ...entry, when: frenchDateTime(entry.at) })),
        hasErasure: receipts?.signed.erasure !== undefined,
        withdrawn: req.query.retrait === 'ok',
      });
    }) satisfies RequestHandler,

    printableReceipt: (async (req, res) => {
      const share = await loadShare(req);
      res.render('mon-espace/recu.njk', {
        receipt: (await receiptsOf(share)).transmission,
        date: date(share.decidedAt),
        until: date(share.justificatif.retentionUntil),
      });
    }) satisfies RequestHandler,

    signedReceipt: (async (req, res) => {
      const share = await loadShare(req);
      download(res, `recu-${share.reference}`, (await receiptsOf(share)).signed.transmission);
    }) satisfies RequestHandler,

    signedErasureReceipt: (async (req, res) => {
      const share = await loadShare(req);
      const erasure = (await receiptsOf(share)).signed.erasure;
      if (erasure === undefined) throw new AppError('HTTP-404', 'pas de reçu d’effacement');
      download(res, `recu-effacement-${share.reference}`, erasure);
    }) satisfies RequestHandler,

    confirmWithdrawal: (async (req, res) => {
      const share = await loadShare(req);
      if (share.status !== 'active') return res.redirect(303, `/mon-espace/transmissions/${share.reference}`);
      res.render('mon-espace/retrait.njk', { share: shareView(share) });
    }) satisfies RequestHandler,

    withdraw: (async (req, res) => {
      const share = await loadShare(req);
      await space.withdraw(share);
      res.redirect(303, `/mon-espace/transmissions/${share.reference}?retrait=ok`);
    }) satisfies RequestHandler,
  };
}
