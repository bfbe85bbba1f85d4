import type { MailMessage } from './mailer.js';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// An address ends before the punctuation that closes its sentence.
const URL_PATTERN = /https?:\/\/[^\s<>"]*[^\s<>".,;:)]/g;

/**
 * One message's text and HTML from the same paragraphs, so that the two never say different things: the text as
 * written, the HTML with each paragraph in <p> and each address as a link.
 */
export function mailBodies(paragraphs: string[]): Pick<MailMessage, 'text' | 'html'> {
  const html = paragraphs
    .map((paragraph) => {
      const parts: string[] = [];
      let last = 0;
      for (const match of paragraph.matchAll(URL_PATTERN)) {
        parts.push(escapeHtml(paragraph.slice(last, match.index)), `<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>`);
        last = match.index + match[0].length;
      }
      parts.push(escapeHtml(paragraph.slice(last)));
      return `<p>${parts.join('')}</p>`;
    })
    .join('\n');
  return { text: paragraphs.join('\n\n'), html: `<!doctype html>\n<html lang="fr"><body>\n${html}\n</body></html>` };
}
