import { describe, expect, it } from 'vitest';
import { GRILLE_CANTINE, libelleTranche, montantEnEuros, prixEnEuros, trancheDeBorne, trancheDuQuotient } from './tarif.js';

/** Intl writes a no-break space before « € » and thin ones between thousands: compared here as plain spaces. */
const plain = (text: string) => text.replace(/\s/g, ' ');
const prixDuQuotient = (quotient: number) => {
  const tranche = trancheDuQuotient(quotient);
  return tranche === undefined ? undefined : plain(prixEnEuros(tranche.prixCentimes));
};

describe('the canteen’s price grid', () => {
  it('puts each ceiling in its own tranche and the next euro in the next one', () => {
    expect(prixDuQuotient(0)).toBe('0,65 €');
    expect(prixDuQuotient(450)).toBe('0,65 €');
    expect(prixDuQuotient(450.5)).toBe('2,40 €');
    expect(prixDuQuotient(620)).toBe('2,40 €');
    expect(prixDuQuotient(800)).toBe('2,40 €');
    expect(prixDuQuotient(801)).toBe('3,35 €');
    expect(prixDuQuotient(1200)).toBe('3,35 €');
    expect(prixDuQuotient(1201)).toBe('4,70 €');
    expect(prixDuQuotient(25_000)).toBe('4,70 €');
  });

  it('finds the tranche of a bracket the portal sent by its upper bound, the last one open', () => {
    expect([450, 800, 1200, null].map((bound) => trancheDeBorne(bound)?.prixCentimes)).toEqual([65, 240, 335, 470]);
    expect(trancheDeBorne(600)).toBeUndefined();
  });

  it('gives no price for what is not a quotient familial', () => {
    expect(trancheDuQuotient(-1)).toBeUndefined();
    expect(trancheDuQuotient(Number.NaN)).toBeUndefined();
    expect(trancheDuQuotient(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('has ascending ceilings and prices, the last tranche open', () => {
    const ceilings = GRILLE_CANTINE.map((tranche) => tranche.plafond);
    expect(ceilings.at(-1)).toBeNull();
    const closed = ceilings.slice(0, -1) as number[];
    expect(closed).toEqual([...closed].sort((a, b) => a - b));
    expect(closed.every((ceiling) => ceiling !== null)).toBe(true);
    const prices = GRILLE_CANTINE.map((tranche) => tranche.prixCentimes);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('writes prices, amounts and tranches the French way', () => {
    expect(plain(prixEnEuros(240))).toBe('2,40 €');
    expect(plain(prixEnEuros(470))).toBe('4,70 €');
    expect(plain(montantEnEuros(620))).toBe('620 €');
    expect(plain(montantEnEuros(1050))).toBe('1 050 €');
    expect(GRILLE_CANTINE.map((tranche) => plain(libelleTranche(tranche)))).toEqual([
      'jusqu’à 450 €',
      'plus de 450 € et jusqu’à 800 €',
      'plus de 800 € et jusqu’à 1 200 €',
      'plus de 1 200 €',
    ]);
  });
});
