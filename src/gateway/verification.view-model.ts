import { isShownOnVerification, titleOf } from '../catalogue/catalogue.js';
import type { Justificatif, OpenedJustificatif } from '../justificatif/justificatifs.js';
import type { Person } from '../justificatif/person.js';
import { frenchDate } from '../wording/dates.fr.js';
import { displayData } from '../wording/values.fr.js';

/** « A. C. L. D. »: enough to notice a paper made out to someone else, too little to learn who it is. */
export const initialsOf = (person: Pick<Person, 'givenNames' | 'familyName'>): string =>
  `${person.givenNames} ${person.familyName}`
    .split(/[\s\-‐]+/)
    .map((part) => part.replace(/^[^\p{L}]+/u, ''))
    .filter((part) => part !== '')
    .map((part) => `${part.slice(0, 1).toUpperCase()}.`)
    .join(' ');

/**
 * What /verifier shows of a justificatif: who issued it for whom and when, its state, and for a valid one what lets a
 * reader compare a paper with it: the person's initials, every item with whether it was obtained, and the values of
 * the items that do not identify anyone (catalogue/isShownOnVerification).
 */
export function verificationView(justificatif: Justificatif, opened: OpenedJustificatif, recipient: { organisation: string; procedure: string }) {
  return {
    kind: opened.state,
    issuedAt: frenchDate(justificatif.issuedAt),
    organisation: recipient.organisation,
    procedure: recipient.procedure,
    purgedAt: justificatif.purgedAt === null ? undefined : frenchDate(justificatif.purgedAt),
    withdrawnAt: justificatif.withdrawnAt === null ? undefined : frenchDate(justificatif.withdrawnAt),
    initials: opened.state === 'valid' ? initialsOf(opened.person) : undefined,
    items:
      opened.state === 'valid'
        ? opened.document.elements.map((element) => ({
            title: titleOf(element.scope, element.libelle),
            obtained: element.statut === 'disponible',
            rows: element.statut === 'disponible' && isShownOnVerification(element.scope) ? displayData(element.donnees) : undefined,
          }))
        : [],
  };
}
