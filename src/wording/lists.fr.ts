const conjunction = new Intl.ListFormat('fr', { style: 'long', type: 'conjunction' });

/** A capitalised label read inside a sentence: « Le nombre de parts » → « le nombre de parts »; « INE » stays. */
const inSentence = (label: string): string => (/^\p{Lu}\p{Ll}/u.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label);

/**
 * Labels read as one phrase: « Votre revenu fiscal de référence et le nombre de parts de votre foyer fiscal »; the
 * first keeps its capital.
 */
export function labelsAsPhrase(labels: readonly string[]): string {
  const [first, ...others] = labels;
  return first === undefined ? '' : conjunction.format([first, ...others.map(inSentence)]);
}

/** A count with its noun, singular up to one as French has it: « 0 appel », « 1 essai », « 3 jours ». */
export const countOf = (count: number, one: string, many: string): string => `${count} ${count > 1 ? many : one}`;
