import { createHash } from 'node:crypto';
import { canonicalJson } from '../journal/canonical-json.js';
import { claimsOf, payloadOf } from '../signing/jws.js';
import type { JustificatifDocument } from './document.js';

/**
 * The citizen's receipt, modelled on the Kantara consent receipt and ISO/IEC 27560: who received what, why, on
 * which legal basis, until when, and how to withdraw. Values are not in it: only their SHA-256, so that the
 * receipt proves what was sent without carrying it.
 */
export function transmissionReceipt(document: JustificatifDocument, reference: string, portalUrl: string) {
  return {
    version: 'passerelle-particulier/recu/1',
    type: 'transmission',
    recu_id: reference,
    horodatage: document.emis_le,
    juridiction: 'FR',
    methode_de_recueil: 'Demande présentée sur Passerelle Particulier après connexion FranceConnect, choix « Transmettre mes données »',
    destinataire: { ...document.destinataire },
    finalite: document.finalite,
    base_legale: document.cadre_legal,
    elements: document.elements.map((element) => ({
      scope: element.scope,
      libelle: element.libelle,
      producteur: element.producteur,
      statut: element.statut,
      empreinte_valeur: element.donnees === null ? null : `sha256:${createHash('sha256').update(canonicalJson(element.donnees)).digest('hex')}`,
    })),
    conservation_jusqu_au: document.conservation_jusqu_au,
    retrait: { comment: 'Mon espace, « Retirer mes informations »', adresse: `${portalUrl}/mon-espace/transmissions/${reference}` },
  };
}

export type TransmissionReceipt = ReturnType<typeof transmissionReceipt>;

/** Receipt of an erasure after withdrawal: what was erased, for whom, when. */
export function erasureReceipt(receipt: TransmissionReceipt, withdrawnAt: number) {
  return {
    version: receipt.version,
    type: 'effacement',
    recu_id: `${receipt.recu_id}-E`,
    recu_transmission: receipt.recu_id,
    horodatage: new Date(withdrawnAt).toISOString(),
    juridiction: 'FR',
    destinataire: receipt.destinataire,
    elements_effaces: receipt.elements.map(({ scope, libelle, empreinte_valeur }) => ({ scope, libelle, empreinte_valeur })),
    effets: ['Jetons d’accès du service révoqués', 'Données du justificatif effacées de Passerelle Particulier', 'Le service ne peut plus les lire'],
  };
}

export type ErasureReceipt = ReturnType<typeof erasureReceipt>;

/** A justificatif's signed receipts (JWS), as they are sealed together in its row: the transmission's, and the erasure's after a withdrawal. */
export interface SignedReceipts {
  transmission: string;
  erasure?: string;
}

/** The sealed receipts' one decoder: refuses anything that is not the stored shape. */
export function parseSignedReceipts(json: string): SignedReceipts {
  const value = JSON.parse(json) as unknown;
  if (typeof value !== 'object' || value === null) throw new Error('reçus mal formés');
  const { transmission, erasure } = value as Record<string, unknown>;
  if (typeof transmission !== 'string' || (erasure !== undefined && typeof erasure !== 'string')) throw new Error('reçus mal formés');
  return erasure === undefined ? { transmission } : { transmission, erasure };
}

/** The transmission receipt a signed receipt carries. */
export const transmissionReceiptOf = (jws: string): TransmissionReceipt => claimsOf(jws) as unknown as TransmissionReceipt;

/** What a signed receipt carries, for people who download it: the receipt and its signature. */
export const receiptFile = (jws: string) => JSON.stringify({ recu: payloadOf(jws), signature: jws }, null, 2);
