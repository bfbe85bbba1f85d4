import { describe, expect, it } from 'vitest';
import { csvOf } from './csv.js';

describe('CSV for French spreadsheets', () => {
  it('separates with semicolons, ends lines with CRLF and starts with a byte-order mark', () => {
    expect(csvOf(['Numéro', 'Nom'], [['PP-2026-0000-0001', 'DUBOIS']])).toBe('\uFEFFNuméro;Nom\r\nPP-2026-0000-0001;DUBOIS\r\n');
  });

  it('quotes cells holding a separator, a quote or a line break', () => {
    expect(csvOf(['a'], [['Mairie; service "cantine"'], ['deux\nlignes']])).toBe('\uFEFFa\r\n"Mairie; service ""cantine"""\r\n"deux\nlignes"\r\n');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(
      csvOf(['a'], [['=HYPERLINK("http://x")'], ['+33'], ['-1'], ['@SUM(A1)']])
        .split('\r\n')
        .slice(1, 5),
    ).toEqual(['"\'=HYPERLINK(""http://x"")"', "'+33", "'-1", "'@SUM(A1)"]);
  });

  it('writes numbers as they are', () => {
    expect(csvOf(['n'], [[-3]])).toBe('\uFEFFn\r\n-3\r\n');
  });
});
