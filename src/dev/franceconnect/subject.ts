import { createHash } from 'node:crypto';
import type { Persona } from './personas.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8');

/**
 * FranceConnect's pairwise subject: a hash of the identity, then of (service provider, identity, platform secret),
 * suffixed "v1". Stable for one person and one client, different across clients.
 */
export function franceConnectSub(persona: Persona, clientId: string, secret: string): string {
  const birthplace = persona.birthcountry === '99100' ? persona.birthplace : '';
  const identityHash = sha256(
    persona.given_name + persona.family_name + persona.birthdate + persona.gender + birthplace + persona.birthcountry,
  ).digest('base64');
  return `${sha256(clientId + identityHash + secret).digest('hex')}v1`;
}
