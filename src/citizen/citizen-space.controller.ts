import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../http/errors.js';
import type { Justificatifs } from '../justificatif/justificatifs.js';
import { receiptFile } from '../justificatif/receipt.js';
import { normaliseReference } from '../justificatif/reference.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { SHARE_STATUS_TEXTS } from '../wording/labels.fr.js';
import { type CitizenSpace, type Share, shownStatusOf } from './citizen-space.js';
import { receiptPdf } from './receipt.pdf.js';
import { receiptView } from './receipt.view-model.js';
import { filterOptions, filtersOf, matches, shareCard } from './share-list.view-model.js';

export interface CitizenSpaceControllerDependencies {
  space: CitizenSpace;
  justificatifs: Pick<Justificatifs, 'receipts' | 'open'>;
}

const citizenSub = (req: Request) => {
  const citizen = req.session.citizen;
  if (citizen === undefined) throw new Error('usager absent malgré la garde');
  return citizen.sub;
};

const date = (epochMs: number | null | undefined) => (epochMs === null || epochMs === undefined ? '' : frenchDate(epochMs));

/** « 3 ko »: a download's size, as the DSFR's download links give it. */
const size = (bytes: number) => `${Math.max(1, Math.round(bytes / 1000))} ko`;

/** What the detail and withdrawal pages show of a share. */
const shareView = (share: Share) => ({
  ...share,
  statusText: SHARE_STATUS_TEXTS[shownStatusOf(share)],
  date: frenchDateTime(share.decidedAt),
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
  /** The receipt as people read it: the signed receipt, with the values while the justificatif keeps them. */
  const readableReceipt = async (share: Awaited<ReturnType<typeof loadShare>>) => {
    const receipts = await receiptsOf(share);
    return { receipts, view: receiptView(share.justificatif, receipts, await justificatifs.open(share.justificatif)) };
  };
  const download = (res: Response, name: string, jws: string) =>
    res.type('application/json').set('content-disposition', `attachment; filename="${name}.json"`).send(receiptFile(jws));

  return {
    list: (async (req, res) => {
      const shares = await space.list(citizenSub(req));
      const filters = filtersOf(req.query, shares);
      const cards = await Promise.all(
        shares
          .filter(matches(filters))
          .map(async (share) =>
            shareCard(share, share.justificatif === undefined ? undefined : (await justificatifs.receipts(share.justificatif))?.transmission),
          ),
      );
      const citizen = req.session.citizen;
      const concerning =
        citizen === undefined
          ? []
          : await space.concerning(citizen.sub, { givenNames: citizen.givenName, familyName: citizen.familyName, birthDate: citizen.birthdate });
      res.render('mon-espace/liste.njk', {
        concerning: await Promise.all(
          concerning.map(async (share) => ({
            ...shareView(share),
            log: (await space.accessLog(share))
              .filter((entry) => entry.who !== 'Vous')
              .map((entry) => ({ ...entry, when: frenchDateTime(entry.at) })),
          })),
        ),
        cards,
        total: shares.length,
        filters,
        filtered: filters.etat !== undefined || filters.service !== undefined,
        options: filterOptions(shares),
      });
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      const share = await loadShare(req);
      // Justificatifs issued before receipts existed have none: the page still shows the share and its history.
      const receipts = await justificatifs.receipts(share.justificatif);
      const view = receipts === undefined ? undefined : receiptView(share.justificatif, receipts, await justificatifs.open(share.justificatif));
      res.render('mon-espace/transmission.njk', {
        share: shareView(share),
        status: share.status,
        receipt: view,
        withdrawnOn: date(share.justificatif.withdrawnAt),
        log: (await space.accessLog(share)).map((entry) => ({ ...entry, when: frenchDateTime(entry.at) })),
        sizes:
          receipts === undefined || view === undefined
            ? undefined
            : {
                pdf: size((await receiptPdf(view)).length),
                json: size(Buffer.byteLength(receiptFile(receipts.signed.transmission))),
                erasure: receipts.signed.erasure === undefined ? undefined : size(Buffer.byteLength(receiptFile(receipts.signed.erasure))),
              },
        withdrawn: req.query.retrait === 'ok',
      });
    }) satisfies RequestHandler,

    printableReceipt: (async (req, res) => {
      res.render('mon-espace/recu.njk', { receipt: (await readableReceipt(await loadShare(req))).view });
    }) satisfies RequestHandler,

    pdfReceipt: (async (req, res) => {
      const share = await loadShare(req);
      const pdf = await receiptPdf((await readableReceipt(share)).view);
      res.type('application/pdf').set('content-disposition', `attachment; filename="recu-${share.reference}.pdf"`).send(pdf);
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
