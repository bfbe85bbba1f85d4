import type { Response } from 'express';

/**
 * CSV as French office software opens it without an import dialog: semicolons, CRLF, UTF-8 with a byte-order mark.
 * A cell that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return) is prefixed with an apostrophe:
 * a name typed as « =HYPERLINK(…) » stays text.
 */
export function csvOf(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (value: string | number) => {
    const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(';')).join('\r\n')}\r\n`;
}

/** Sends a CSV file to download under `filename`. */
export function sendCsv(res: Response, filename: string, csv: string): void {
  res.type('text/csv; charset=utf-8').attachment(filename).send(csv);
}
