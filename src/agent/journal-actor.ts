import { createHmac } from 'node:crypto';

/**
 * An actor of the journal as an organisation's administrators read it. A citizen's FranceConnect subject is the same
 * for every organisation: shown as it is, two organisations could tell they serve the same person, which the pairwise
 * subjects given to services exist to prevent. They read a pseudonym of their own instead, stable within the organisation.
 */
export function actorForOrganisation(actor: string, organisationId: string, secret: string): string {
  if (!actor.startsWith('citizen:')) return actor;
  const pseudonym = createHmac('sha256', secret)
    .update(`usager\n${organisationId}\n${actor.slice('citizen:'.length)}`)
    .digest('hex')
    .slice(0, 8)
    .toUpperCase();
  return `usager ${pseudonym}`;
}
