import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { Holder } from './source-definition.js';

/** Names compared as civil registers write them: no accents, no case, hyphens, apostrophes and spaces alike. */
const normalised = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();

/**
 * The `identite` block of an API Particulier v3 answer (MESRI and France Travail: nom_naissance and prenom; CNOUS: nom
 * and a list of prenoms; SDH: nom_naissance and prenoms in one string).
 */
export function holderFromIdentite(data: Record<string, unknown>): Holder | undefined {
  const identite = data.identite as
    | { nom_naissance?: unknown; nom?: unknown; prenom?: unknown; prenoms?: unknown; date_naissance?: unknown }
    | null
    | undefined;
  if (typeof identite !== 'object' || identite === null) return undefined;
  const familyName = identite.nom_naissance ?? identite.nom;
  const givenNames = Array.isArray(identite.prenoms) ? identite.prenoms : [identite.prenoms ?? identite.prenom];
  const birthdate = identite.date_naissance;
  if (
    typeof familyName !== 'string' ||
    typeof birthdate !== 'string' ||
    !givenNames.every((name) => typeof name === 'string') ||
    givenNames.length === 0
  )
    return undefined;
  return { familyName, givenNames: givenNames as string[], birthdate };
}

/**
 * Whether a producer's file is about the person FranceConnect signed in: the same birth name, the same first given
 * name among FranceConnect's, and the same birth date as far as the identity provider knows it (00 for an unknown
 * day or month). Anything less certain is not theirs.
 */
export function isHolder(identity: CitizenIdentity, holder: Holder): boolean {
  const givenNames = normalised(identity.givenName).split(' ');
  const [firstGivenName = ''] = normalised(holder.givenNames[0] ?? '').split(' ');
  const [year, month, day] = (identity.idpBirthdate ?? identity.birthdate).split('-');
  const [holderYear, holderMonth, holderDay] = holder.birthdate.split('-');
  const sameBirthdate = year === holderYear && (month === '00' || month === holderMonth) && (month === '00' || day === '00' || day === holderDay);
  return (
    normalised(identity.familyName) === normalised(holder.familyName) && firstGivenName !== '' && givenNames.includes(firstGivenName) && sameBirthdate
  );
}
