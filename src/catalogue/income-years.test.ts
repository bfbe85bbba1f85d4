import { describe, expect, it } from 'vitest';
import { incomeYearsToAsk, parisYear } from './income-years.js';

describe('income years', () => {
  const december2026 = Date.UTC(2026, 11, 5);

  it('counts N-1 and N-2 from the calendar year in Paris, latest first', () => {
    expect(incomeYearsToAsk(['dgfip_rfr', 'dgfip_annee_n_moins_1'], december2026)).toEqual([2025]);
    expect(incomeYearsToAsk(['dgfip_annee_n_moins_2'], december2026)).toEqual([2024]);
    expect(incomeYearsToAsk(['dgfip_annee_n_moins_2_si_indispo_n_moins_1'], december2026)).toEqual([2025, 2024]);
    expect(incomeYearsToAsk(['dgfip_annee_n_moins_1', 'dgfip_annee_n_moins_2'], december2026)).toEqual([2025, 2024]);
    expect(incomeYearsToAsk(['dgfip_rfr'], december2026)).toEqual([]);
  });

  it('turns the year at midnight in Paris, not in UTC', () => {
    expect(parisYear(Date.UTC(2026, 11, 31, 23, 30))).toBe(2027);
  });
});
