import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Every keyed pseudonym of the product, from one secret (OIDC_PAIRWISE_SECRET), each use under a key of its own so
 * that a value made for one use never equals a value made for another:
 * - the `sub` a service provider knows a citizen by, its own and never matchable with another provider's;
 * - the number under which citizens see an agent who looked at their justificatif;
 * - the pseudonym under which an organisation's administrators see a citizen in their journal.
 */
export interface Pseudonyms {
  /** Hex, 64 characters: the ID token's `sub` and the justificatif's `sujet` for that service provider. */
  pairwiseSubject(clientId: string, accountId: string): string;
  /** Four characters, the same for an agent in every citizen's log: « Agent n° 3F2A ». */
  agentNumber(agentId: string): string;
  /** Eight characters, stable within one organisation, different in every other. */
  citizenOfOrganisation(organisationId: string, citizenSub: string): string;
}

type Use = 'agent-number' | 'citizen-of-organisation';

const hmacHex = (key: Buffer | string, parts: string[]) => createHmac('sha256', key).update(parts.join('\n')).digest('hex');

export function createPseudonyms(secret: string): Pseudonyms {
  const keyFor = (use: Use) => Buffer.from(hkdfSync('sha256', secret, 'passerelle-particulier', `pseudonyme/${use}`, 32));
  const keys = { 'agent-number': keyFor('agent-number'), 'citizen-of-organisation': keyFor('citizen-of-organisation') };
  return {
    // Service providers keep the subs they were given: this one stays keyed by the secret itself, as it always was.
    // The other uses' keys are derived from the secret (HKDF), so none of their inputs can reproduce a sub.
    pairwiseSubject: (clientId, accountId) => hmacHex(secret, [clientId, accountId]),
    agentNumber: (agentId) => hmacHex(keys['agent-number'], [agentId]).slice(0, 4).toUpperCase(),
    citizenOfOrganisation: (organisationId, citizenSub) =>
      hmacHex(keys['citizen-of-organisation'], [organisationId, citizenSub]).slice(0, 8).toUpperCase(),
  };
}
