import { describe, expect, it } from 'vitest';
import { pdfText, receiptPdf } from './receipt.pdf.js';
import type { ReceiptView } from './receipt.view-model.js';

const VIEW: ReceiptView = {
  reference: 'PP-2026-7F3K-9Q2M',
  issuedAt: '4 décembre 2026 à 17:05',
  issuer: 'Passerelle Particulier',
  recipient: { organisation: 'Mairie d’Exempleville', siret: '21999999900010', procedure: 'Cantine scolaire' },
  purpose: 'Calculer le tarif de la cantine.',
  legalBasis: 'Délibération du conseil municipal, CRPA, article L114-8',
  items: [
    {
      title: 'Quotient familial',
      producer: 'Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)',
      sent: true,
      state: 'Transmise',
      rows: [{ label: 'Quotient familial', lines: ['620 (octobre 2026, calculé par la CAF)'] }],
    },
  ],
  valuesNote: undefined,
  retention: 'Conservées par Mairie d’Exempleville jusqu’au 4 décembre 2027',
  rights: [{ title: 'Rectification', text: 'Demandez sa correction à l’administration qui la produit.' }],
  contact: { text: 'Écrivez au délégué à la protection des données :', email: 'dpd@passerelle.example', after: 'Ou à la CNIL.' },
  withdrawal: { text: 'Adresse :', url: 'https://passerelle.example/mon-espace/transmissions/PP-2026-7F3K-9Q2M' },
  signedCopy: 'Ce reçu existe aussi en fichier signé.',
};

/** The text a PDF shows, from its uncompressed content streams: the hex strings of each text operator, in Windows-1252. */
function textOfPdf(pdf: Buffer): string {
  const content = pdf.toString('latin1');
  const shown = [...content.matchAll(/\[([^\]]*)\]\s*TJ/g)].map(([, operands = '']) =>
    [...operands.matchAll(/<([0-9a-f]+)>/gi)].map(([, hex = '']) => Buffer.from(hex, 'hex').toString('latin1')).join(''),
  );
  return shown
    .join(' ')
    .replace(/\u0092/g, '’')
    .replace(/\s+/g, ' ');
}

describe('the receipt as a PDF', () => {
  it('is a tagged PDF in French, titled with the transmission’s number', async () => {
    const pdf = await receiptPdf(VIEW);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toContain('PP-2026-7F3K-9Q2M');
    expect(raw).toMatch(/\/Lang \(fr-FR\)/);
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toContain('/DisplayDocTitle true');
  });

  it('carries the printable page’s content: issuer, recipient, values, rights, contact, how to withdraw', async () => {
    const text = textOfPdf(await receiptPdf(VIEW, { compress: false }));
    for (const expected of [
      'Reçu de transmission',
      'Numéro : PP-2026-7F3K-9Q2M',
      'Émis par : Passerelle Particulier',
      'Destinataire : Mairie d’Exempleville (SIRET 21999999900010)',
      'Quotient familial : 620 (octobre 2026, calculé par la CAF)',
      'Conservées par Mairie d’Exempleville jusqu’au 4 décembre 2027',
      'Rectification : Demandez sa correction',
      'dpd@passerelle.example',
      'Retirer vos informations',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/sha256/i);
  });

  it('writes what its fonts cannot show as near as they can', () => {
    expect(pdfText('12\u202f345 € – « œuvre » Nguyễn')).toBe('12\u00a0345 € – « œuvre » Nguyen');
  });
});
