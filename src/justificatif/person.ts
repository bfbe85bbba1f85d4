/** The person a justificatif concerns, as its organisation's agents see them: kept encrypted, erased with the data. */
export interface Person {
  givenNames: string;
  familyName: string;
  /** YYYY-MM-DD; unknown for justificatifs issued before 2026-12-05, which kept the name alone. */
  birthDate: string | undefined;
}

export const fullNameOf = (person: Pick<Person, 'givenNames' | 'familyName'>) => `${person.givenNames} ${person.familyName}`.trim();

export const personJson = (person: Person) =>
  JSON.stringify({ prenoms: person.givenNames, nom: person.familyName, naissance: person.birthDate ?? null });

/** Reads what personJson wrote, or the name alone that older rows hold. */
export function personOf(stored: string): Person {
  if (stored.startsWith('{')) {
    const { prenoms, nom, naissance } = JSON.parse(stored) as { prenoms: string; nom: string; naissance: string | null };
    return { givenNames: prenoms, familyName: nom, birthDate: naissance ?? undefined };
  }
  return { givenNames: '', familyName: stored, birthDate: undefined };
}
