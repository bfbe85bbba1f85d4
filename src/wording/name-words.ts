/**
 * The words a person's name is matched by, whatever the case, the accents or the punctuation: « Dubois », « DUBOIS »
 * and « dubois » are one word, and so are « Hélène » and « helene »; « Marie-Ève » is two (« marie », « eve »). Names
 * are kept encrypted and matched by keyed digests of these words (crypto/blind-index.ts): by agents searching their
 * justificatifs, and when a person named in an answer signs in.
 */
export function nameWords(text: string): string[] {
  const plain = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    // Ligatures are one letter in French names but two on a keyboard.
    .replaceAll('œ', 'oe')
    .replaceAll('æ', 'ae')
    .replaceAll('ß', 'ss');
  return [...new Set(plain.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== ''))];
}
