import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';

/**
 * When a source does not find the person (404) or cannot tell who they are (422) from the FranceConnect identity,
 * the likely causes read from that identity, and the only retries allowed: documented variants of the same identity,
 * never anything the person types. A source that knows the person under their first given name alone, or under their
 * birth name without a usage name, finds them then; nothing else of the identity is ever changed.
 */
export const IDENTITY_VARIANTS = {
  premier_prenom: {
    label: 'avec votre premier prénom seulement',
    applies: (identity: CitizenIdentity) => identity.givenName.trim().split(/\s+/).length > 1,
    apply: (identity: CitizenIdentity): CitizenIdentity => ({
      ...identity,
      givenName: identity.givenName.trim().split(/\s+/)[0] ?? identity.givenName,
    }),
  },
  nom_de_naissance: {
    label: 'avec votre nom de naissance seul, sans nom d’usage',
    applies: (identity: CitizenIdentity) => identity.preferredUsername !== undefined && identity.preferredUsername !== identity.familyName,
    apply: (identity: CitizenIdentity): CitizenIdentity => ({ ...identity, preferredUsername: undefined }),
  },
} as const;

export type IdentityVariant = keyof typeof IDENTITY_VARIANTS;
export const IDENTITY_VARIANT_NAMES = Object.keys(IDENTITY_VARIANTS) as IdentityVariant[];

const FRANCE = '99100';

/** Why a source may not recognise this identity, in the person's words; empty when nothing in it explains it. */
export function likelyCauses(identity: CitizenIdentity): string[] {
  const birth = identity.idpBirthdate ?? identity.birthdate;
  return [
    identity.birthcountry !== FRANCE
      ? 'Vous êtes né(e) hors de France : les organismes vous connaissent parfois avec un seul prénom, ou avec une orthographe différente de celle de l’état civil.'
      : '',
    /-00(-|$)/.test(birth)
      ? 'Votre jour ou votre mois de naissance n’est pas connu de l’état civil : certains organismes enregistrent une autre date.'
      : '',
    IDENTITY_VARIANTS.nom_de_naissance.applies(identity)
      ? 'Vous avez un nom d’usage : l’organisme vous connaît peut-être sous votre seul nom de naissance.'
      : '',
    IDENTITY_VARIANTS.premier_prenom.applies(identity) ? 'Vous avez plusieurs prénoms : l’organisme n’a peut-être enregistré que le premier.' : '',
  ].filter((cause) => cause !== '');
}

/** The variants worth trying for this identity, minus those already tried for this source. */
export const variantsFor = (identity: CitizenIdentity, tried: readonly string[] = []): IdentityVariant[] =>
  IDENTITY_VARIANT_NAMES.filter((name) => IDENTITY_VARIANTS[name].applies(identity) && !tried.includes(name));
