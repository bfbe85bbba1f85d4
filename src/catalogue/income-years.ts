/**
 * The income years a habilitation allows for the DGFiP's data, as FranceConnect and DataPass name them: the last
 * income year (N-1), the one before (N-2), or the one before only when the last is not known yet. Each is also a
 * FranceConnect data scope the citizen consents to.
 */
export const INCOME_YEAR_SCOPES = {
  dgfip_annee_n_moins_1: [1],
  dgfip_annee_n_moins_2: [2],
  dgfip_annee_n_moins_2_si_indispo_n_moins_1: [1, 2],
} as const satisfies Record<string, readonly number[]>;

export type IncomeYearScope = keyof typeof INCOME_YEAR_SCOPES;

export const isIncomeYearScope = (scope: string): scope is IncomeYearScope => scope in INCOME_YEAR_SCOPES;

/** The calendar year in Paris, from which N-1 and N-2 count. */
export const parisYear = (now = Date.now()): number =>
  Number(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' }).format(now));

/**
 * The income years to ask, latest first: the first one the DGFiP knows is the answer. Counted from the calendar year
 * in Paris: in 2026, N-1 is 2025 (declared in the spring of 2026, known from the summer).
 */
export function incomeYearsToAsk(scopes: Iterable<string>, now = Date.now()): number[] {
  const year = parisYear(now);
  const back = new Set([...scopes].filter(isIncomeYearScope).flatMap((scope) => INCOME_YEAR_SCOPES[scope]));
  return [...back].sort((a, b) => a - b).map((n) => year - n);
}
