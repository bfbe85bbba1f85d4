import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { nameWords } from '../wording/name-words.js';

/** A person an answer names, as the identity pivot knows them. */
export interface NamedPerson {
  givenNames: string;
  familyName: string;
  birthDate: string | undefined;
}

/** Every person in the lists of persons of an answer (objects with first names and a birth name). */
export function personsNamedIn(data: Record<string, unknown> | undefined): NamedPerson[] {
  const persons: NamedPerson[] = [];
  for (const value of Object.values(data ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const entry of value) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { prenoms, nom_naissance: familyName, date_naissance: birthDate } = entry as Record<string, unknown>;
      if (typeof prenoms !== 'string' || typeof familyName !== 'string') continue;
      persons.push({ givenNames: prenoms, familyName, birthDate: typeof birthDate === 'string' ? birthDate : undefined });
    }
  }
  return persons;
}

/**
 * « dubois|bernard|1960-04-11 »: what matches a person named in an answer with a person signed in with
 * FranceConnect: birth name and first given name without accents or case, and the birth date. None without a date.
 */
export const pivotOf = (person: NamedPerson): string | undefined =>
  person.birthDate === undefined
    ? undefined
    : `${nameWords(person.familyName).join(' ')}|${nameWords(person.givenNames)[0] ?? ''}|${person.birthDate}`;

/**
 * The other people an answer names (co-allocataires, children, members of a file): anyone in a list of persons who
 * is not the citizen, as « Lucie DUBOIS ». They never consented; the preview names them so that the citizen knows
 * whom their choice concerns.
 */
export function othersNamedIn(
  data: Record<string, unknown> | undefined,
  citizen: Pick<CitizenIdentity, 'givenName' | 'familyName' | 'birthdate'>,
): string[] {
  const self = pivotOf({ givenNames: citizen.givenName, familyName: citizen.familyName, birthDate: citizen.birthdate });
  return personsNamedIn(data)
    .filter((person) => (person.birthDate === undefined ? pivotOf({ ...person, birthDate: citizen.birthdate }) : pivotOf(person)) !== self)
    .map((person) => `${person.givenNames} ${person.familyName}`);
}
