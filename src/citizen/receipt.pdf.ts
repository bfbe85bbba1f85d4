import PDFDocument from 'pdfkit';
import type { ReceiptView } from './receipt.view-model.js';

const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const encodable = (char: string) => {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
};

/**
 * The PDF's standard fonts (Helvetica, not embedded: a 4 ko file made in milliseconds) write Windows-1252 only, which
 * covers French. Thin spaces become no-break spaces; a letter outside it loses its accent (« ễ » → « e ») rather than
 * vanish. The signed JSON keeps every character.
 */
export const pdfText = (text: string): string =>
  [...text.replace(/[\u2007\u2009\u202f]/g, '\u00a0').replace(/\u2011/g, '-')]
    .map((char) => (encodable(char) ? char : ([...char.normalize('NFD')].find(encodable) ?? '?')))
    .join('');

const MARGIN = 56;
const BLUE = '#000091';

/**
 * The citizen's receipt as a PDF, with the same content as the printable page, tagged (headings, paragraphs) and in
 * French, so that a screen reader can follow it. `compress: false` leaves the text readable in the file (tests).
 */
export function receiptPdf(view: ReceiptView, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'fr-FR',
    displayTitle: true,
    compress: options.compress ?? true,
    info: {
      Title: pdfText(`Reçu de transmission ${view.reference}`),
      Author: view.issuer,
      Subject: pdfText(`Transmission à ${view.recipient.organisation}, démarche « ${view.recipient.procedure} »`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const write = (type: string, text: string, font: 'Helvetica' | 'Helvetica-Bold', size: number, gap = 4, color = '#161616') => {
    doc.font(font).fontSize(size).fillColor(color).text(pdfText(text), { structParent: root, structType: type, paragraphGap: gap });
  };
  const heading = (text: string) => {
    doc.moveDown(0.6);
    write('H2', text, 'Helvetica-Bold', 13, 6, BLUE);
  };
  const paragraph = (text: string) => write('P', text, 'Helvetica', 10);
  const field = (label: string, value: string) => paragraph(`${label} : ${value}`);

  write('P', 'République française', 'Helvetica-Bold', 9, 2);
  write('P', view.issuer, 'Helvetica-Bold', 11, 12, BLUE);
  write('H1', 'Reçu de transmission', 'Helvetica-Bold', 20, 8);
  // The number on a line of its own: a hyphenated number must not break across two lines.
  field('Numéro', view.reference);
  field('Date', view.issuedAt);
  field('Émis par', view.issuer);
  field('Destinataire', `${view.recipient.organisation} (SIRET ${view.recipient.siret})`);
  field('Démarche', view.recipient.procedure);
  field('Finalité', view.purpose);
  field('Cadre légal', view.legalBasis);
  if (view.retention !== undefined) paragraph(view.retention);

  heading('Informations transmises');
  if (view.valuesNote !== undefined) paragraph(view.valuesNote);
  for (const item of view.items) {
    doc.moveDown(0.3);
    write('H3', `${item.title} (${item.producer})`, 'Helvetica-Bold', 10.5, 2);
    paragraph(`État : ${item.state}`);
    for (const row of item.rows) field(row.label, row.lines.join(' ; '));
  }

  heading('Vos droits');
  for (const right of view.rights) field(right.title, right.text);
  paragraph(`${view.contact.text} ${view.contact.email}.`);
  paragraph(view.contact.after);

  heading('Retirer vos informations');
  paragraph(view.withdrawal.url === undefined ? view.withdrawal.text : `${view.withdrawal.text} ${view.withdrawal.url}`);
  doc.moveDown(0.6);
  write('P', view.signedCopy, 'Helvetica', 8.5, 0, '#3a3a3a');

  root.end();
  doc.end();
  return finished;
}
