import { titleOf } from '../catalogue/catalogue.js';
import { ELEMENT_STATUSES, type ElementStatus } from '../justificatif/document.js';
import type { Justificatif, OpenedJustificatif, Receipts } from '../justificatif/justificatifs.js';
import type { ItemStatus } from '../sources/item-status.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { ITEM_STATUS_TEXTS } from '../wording/labels.fr.js';
import { PUBLISHER } from '../wording/publisher.fr.js';
import { type DisplayRow, displayData } from '../wording/values.fr.js';

export const ISSUER = 'Passerelle Particulier';

/** One item of a receipt: its name, who produced it, whether it was sent, and its values while they are kept. */
export interface ReceiptItem {
  title: string;
  producer: string;
  sent: boolean;
  /** « Transmise », or why not (« Non trouvée : … »). */
  state: string;
  rows: DisplayRow[];
}

/**
 * Everything a citizen's receipt says, in the order it says it: the printable page and the PDF both render this,
 * so that they carry the same content. No value's hash: those are for machines, in the signed JSON.
 */
export interface ReceiptView {
  reference: string;
  issuedAt: string;
  issuer: string;
  recipient: { organisation: string; siret: string; procedure: string };
  purpose: string;
  legalBasis: string;
  items: ReceiptItem[];
  /** Said instead of the values once they are gone (withdrawn, end of retention), or when they cannot be read. */
  valuesNote: string | undefined;
  /** « Conservées par … jusqu’au … » while kept, « Effacées le … » after; nothing when nothing was sent. */
  retention: string | undefined;
  rights: Array<{ title: string; text: string }>;
  contact: { text: string; email: string; after: string };
  withdrawal: { text: string; url: string | undefined };
  signedCopy: string;
}

// Several statuses read the same for the citizen (identity not recognised): the first is the one we tell.
const STATUS_OF_ELEMENT = new Map(
  (Object.entries(ELEMENT_STATUSES) as Array<[ItemStatus, ElementStatus]>).reverse().map(([status, element]) => [element, status]),
);

const stateOf = (statut: ElementStatus, explanation: string | null | undefined): string => {
  if (statut === 'disponible') return 'Transmise';
  const label = ITEM_STATUS_TEXTS[STATUS_OF_ELEMENT.get(statut) ?? 'error'].badge;
  return explanation ? `${label} : ${explanation}` : label;
};

/** When the values went, and why, or undefined while they are kept. */
function erasure(justificatif: Justificatif): { on: string; why: 'withdrawn' | 'expired' } | undefined {
  if (justificatif.withdrawnAt !== null) return { on: frenchDate(justificatif.withdrawnAt), why: 'withdrawn' };
  if (justificatif.purgedAt !== null) return { on: frenchDate(justificatif.purgedAt), why: 'expired' };
  return undefined;
}

function valuesNote(opened: OpenedJustificatif, erased: ReturnType<typeof erasure>, anySent: boolean): string | undefined {
  if (!anySent || opened.state === 'valid') return undefined;
  if (erased?.why === 'withdrawn') return `Les valeurs ont été effacées le ${erased.on}, quand vous avez retiré ces informations.`;
  if (erased !== undefined) return `Les valeurs ont été effacées le ${erased.on}, à la fin de leur durée de conservation.`;
  return 'Les valeurs ne peuvent pas être affichées : le justificatif enregistré ne correspond plus à sa signature. Écrivez-nous à l’adresse ci-dessous.';
}

/** The receipt of one transmission, from its signed receipt and, while they are kept, the values of its justificatif. */
export function receiptView(justificatif: Justificatif, receipts: Receipts, opened: OpenedJustificatif): ReceiptView {
  const receipt = receipts.transmission;
  const sp = receipt.destinataire.organisation;
  const document = opened.state === 'valid' ? opened.document : undefined;
  const items = receipt.elements.map((element): ReceiptItem => {
    const sent = document?.elements.find((candidate) => candidate.scope === element.scope);
    return {
      // Receipts issued before items had a third-person title still say « Votre … »: today's name reads better.
      title: titleOf(element.scope, element.libelle),
      producer: element.producteur,
      sent: element.statut === 'disponible',
      state: stateOf(element.statut, sent?.explication),
      rows: element.statut === 'disponible' ? displayData(sent?.donnees) : [],
    };
  });
  const erased = erasure(justificatif);
  const producers = [...new Set(items.map((item) => item.producer))];
  return {
    reference: receipt.recu_id,
    issuedAt: frenchDateTime(Date.parse(receipt.horodatage)),
    issuer: ISSUER,
    recipient: { organisation: sp, siret: receipt.destinataire.siret, procedure: receipt.destinataire.demarche },
    purpose: receipt.finalite,
    legalBasis: [receipt.base_legale.texte, receipt.base_legale.reference].filter(Boolean).join(', '),
    items,
    valuesNote: valuesNote(
      opened,
      erased,
      items.some((item) => item.sent),
    ),
    // Nothing sent, nothing kept: no retention date then.
    retention: !items.some((item) => item.sent)
      ? undefined
      : erased === undefined
        ? `Conservées par ${sp} jusqu’au ${frenchDate(receipt.conservation_jusqu_au)}`
        : `Effacées le ${erased.on}`,
    rights: [
      {
        title: 'Accès',
        text: `Vous pouvez revoir à tout moment ce que vous avez transmis, et qui l’a consulté, dans Mon espace. Vous pouvez aussi demander à ${sp} les informations de votre dossier.`,
      },
      {
        title: 'Rectification',
        text: `Nous transmettons les informations telles que les administrations nous les donnent : nous ne pouvons pas les modifier. Si une information est fausse, demandez sa correction à l’administration qui la produit : ${producers.join(' ; ')}.`,
      },
      {
        title: 'Retrait',
        text:
          erased === undefined
            ? `Vous pouvez retirer ces informations à tout moment. ${sp} ne pourra plus les lire ici, et nous les effaçons. ${sp} peut garder les informations déjà utilisées pour votre dossier, selon ses règles.`
            : erased.why === 'withdrawn'
              ? `Vous avez retiré ces informations le ${erased.on}.`
              : `Ces informations ont été effacées le ${erased.on}, à la fin de leur durée de conservation.`,
      },
    ],
    contact: {
      text: `Pour toute question sur vos données, écrivez au délégué à la protection des données de ${ISSUER} :`,
      email: PUBLISHER.dataProtectionOfficer.email,
      after: `Pour les informations que ${sp} a déjà reçues, adressez-vous à ${sp}. Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr).`,
    },
    withdrawal:
      erased === undefined
        ? {
            text: 'Connectez-vous à Mon espace avec FranceConnect, ouvrez cette transmission, puis choisissez « Retirer mes informations ». Adresse :',
            url: receipt.retrait.adresse,
          }
        : erased.why === 'withdrawn'
          ? { text: `Vous avez retiré ces informations le ${erased.on}. Numéro du reçu d’effacement : ${receipt.recu_id}-E.`, url: undefined }
          : { text: 'Ces informations sont déjà effacées : il n’y a plus rien à retirer.', url: undefined },
    signedCopy: `Ce reçu existe aussi en fichier signé électroniquement par ${ISSUER} (JSON), à télécharger dans Mon espace : il prouve ce qui a été transmis.`,
  };
}
