/**
 * « de » and « à » before an administration named with its article (catalogue/producers.ts): French contracts them
 * with « le » and « les » (« auprès du Crous », « redemander aux impôts ») and keeps them before « la » and « l’ ».
 */
const CONTRACTED = {
  de: { le: 'du', les: 'des' },
  à: { le: 'au', les: 'aux' },
} as const;

export function withPreposition(preposition: keyof typeof CONTRACTED, phrase: string): string {
  const article = /^(le|les) /.exec(phrase)?.[1] as 'le' | 'les' | undefined;
  return article === undefined ? `${preposition} ${phrase}` : `${CONTRACTED[preposition][article]}${phrase.slice(article.length)}`;
}
