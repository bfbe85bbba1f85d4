import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';

export type QueryParams = Record<string, string | string[]>;

/** A birth date as API Particulier takes it: year, then month and day only when known (no zero padding). */
export function birthDateParams(date: string): QueryParams {
  const [year = '', month = '00', day = '00'] = date.split('-');
  return {
    anneeDateNaissance: String(Number(year)),
    ...(month === '00' ? {} : { moisDateNaissance: String(Number(month)) }),
    ...(month === '00' || day === '00' ? {} : { jourDateNaissance: String(Number(day)) }),
  };
}

/**
 * The identity pivot FranceConnect gave, as API Particulier v3 /identite parameters. Only what is known is sent:
 * the real sandbox matches the exact set of parameters, so an empty one would miss.
 */
export function identityParams(identity: CitizenIdentity): QueryParams {
  return {
    nomNaissance: identity.familyName,
    ...(identity.preferredUsername !== undefined && identity.preferredUsername !== identity.familyName
      ? { nomUsage: identity.preferredUsername }
      : {}),
    prenoms: identity.givenName.split(' '),
    ...birthDateParams(identity.idpBirthdate ?? identity.birthdate),
    sexeEtatCivil: identity.gender === 'female' ? 'F' : 'M',
    codeCogInseePaysNaissance: identity.birthcountry,
    ...(identity.birthplace === '' ? {} : { codeCogInseeCommuneNaissance: identity.birthplace }),
  };
}
