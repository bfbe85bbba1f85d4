import { createHash } from 'node:crypto';
import type { JustificatifDocument } from './document.js';
import { canonicalJson } from '../journal/canonical-json.js';

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
