import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';

const plain = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .trim();

/**
 * The other people an answer names (co-allocataires, children, members of a file): anyone in a list of persons
 * (objects with first names and a birth name) who is not the citizen, as « Lucie DUBOIS ». They never consented;
 * the preview names them so that the citizen knows whom their choice concerns.
 */
export function othersNamedIn(
  data: Record<string, unknown> | undefined,
  citizen: Pick<CitizenIdentity, 'givenName' | 'familyName' | 'birthdate'>,
): string[] {
  const names: string[] = [];
  for (const value of Object.values(data ?? {})) {
    if (!Array.isArray(value)) continue;
    for (const entry of value) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { prenoms, nom_naissance: birthName, date_naissance: birthDate } = entry as Record<string, unknown>;
      if (typeof prenoms !== 'string' || typeof birthName !== 'string') continue;
      const isCitizen =
        plain(birthName) === plain(citizen.familyName) &&
        plain(prenoms.split(' ')[0] ?? '') === plain(citizen.givenName.split(' ')[0] ?? '') &&
        (birthDate === undefined || birthDate === citizen.birthdate);
      if (!isCitizen) names.push(`${prenoms} ${birthName}`);
    }
  }
  return names;
}
