/**
 * The price of a school canteen meal in Exempleville by quotient familial. The figures are fictional: the demo's
 * own grid, for the example to show a price rather than a raw number.
 */
export interface Tranche {
  /** The highest quotient familial of the tranche, in euros, included; null for the last tranche, without ceiling. */
  plafond: number | null;
  /** The price of one meal, in cents. */
  prixCentimes: number;
}

/**
 * Ascending ceilings, the last one open. The demo's habilitation asks Passerelle Particulier for the bracket with
 * these same bounds (seed/development.json): the town never learns the quotient familial itself.
 */
export const GRILLE_CANTINE: readonly Tranche[] = [
  { plafond: 450, prixCentimes: 65 },
  { plafond: 800, prixCentimes: 240 },
  { plafond: 1200, prixCentimes: 335 },
  { plafond: null, prixCentimes: 470 },
];

/** The tranche a bracket received from the portal names by its upper bound (null for the last one). */
export const trancheDeBorne = (borneHaute: number | null, grille: readonly Tranche[] = GRILLE_CANTINE): Tranche | undefined =>
  grille.find((tranche) => tranche.plafond === borneHaute);

/** The tranche of a quotient familial: the first whose ceiling it does not exceed. None for a value that is no quotient. */
export function trancheDuQuotient(quotientFamilial: number, grille: readonly Tranche[] = GRILLE_CANTINE): Tranche | undefined {
  if (!Number.isFinite(quotientFamilial) || quotientFamilial < 0) return undefined;
  return grille.find((tranche) => tranche.plafond === null || quotientFamilial <= tranche.plafond);
}

const PRIX = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const MONTANT = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 0, maximumFractionDigits: 2 });

/** « 2,40 € »: a price, always with its cents. */
export const prixEnEuros = (centimes: number): string => PRIX.format(centimes / 100);

/** « 620 € », « 1 050 € »: a quotient familial as the CAF writes it. */
export const montantEnEuros = (euros: number): string => MONTANT.format(euros);

/** « plus de 600 € et jusqu’à 850 € »: the tranche in words, without gaps between tranches. */
export function libelleTranche(tranche: Tranche, grille: readonly Tranche[] = GRILLE_CANTINE): string {
  const precedent = grille[grille.indexOf(tranche) - 1]?.plafond;
  if (tranche.plafond === null) return precedent === undefined || precedent === null ? 'toutes valeurs' : `plus de ${montantEnEuros(precedent)}`;
  if (precedent === undefined || precedent === null) return `jusqu’à ${montantEnEuros(tranche.plafond)}`;
  return `plus de ${montantEnEuros(precedent)} et jusqu’à ${montantEnEuros(tranche.plafond)}`;
}
