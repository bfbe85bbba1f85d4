/**
 * The events a service provider is told about, and their format: Security Event Tokens (RFC 8417), JWTs signed with
 * the portal's key (the JWKS the service already uses to check justificatifs), pushed by HTTP POST (RFC 8935).
 * Signed with our key rather than an HMAC of a per-service secret: the service checks them with what it already
 * has, nothing new to hand over, store or rotate, and an event cannot be forged by anyone who holds a copy of a
 * shared secret, the service included.
 */

/** The JWS `typ` of a Security Event Token (RFC 8417 § 2.3). */
export const SP_EVENT_TYP = 'secevent+jwt';
/** The media type of the POST's body (RFC 8935 § 2). */
export const SP_EVENT_MEDIA_TYPE = 'application/secevent+jwt';

const URI_PREFIX = 'urn:passerelle-particulier:evenement:';

export interface SpEventData {
  /** The citizen withdrew what they had transmitted: the service must stop using it and erase what it kept. */
  'justificatif.retire': { justificatif: string; numero: string; retire_le: string };
  /** The habilitation ends soon: past that day, the portal transmits nothing more to the service under it. */
  'habilitation.expire_bientot': { habilitation: string; fin_de_validite: string; jours_restants: number };
}
export type SpEventType = keyof SpEventData;

export interface SpEvent<T extends SpEventType = SpEventType> {
  clientId: string;
  type: T;
  data: SpEventData[T];
  occurredAt: number;
}

/** What each event means and an example of its claims, for /api/documentation and the OpenAPI file. */
export const SP_EVENT_TYPES: { [T in SpEventType]: { summary: string; example: SpEventData[T] } } = {
  'justificatif.retire': {
    summary:
      'L’usager a retiré les informations qu’il avait transmises : le portail les a effacées et ne les sert plus (410, code 00410). Le service cesse de les utiliser et efface ce qu’il en a gardé.',
    example: { justificatif: '0b5e1f7c-3a52-4d0e-9f3b-2c7d8e6a1f40', numero: 'PP-2026-7K3M-Q9TD', retire_le: '2026-12-06T09:41:00.000Z' },
  },
  'habilitation.expire_bientot': {
    summary:
      'L’habilitation du service arrive à échéance : envoyé 90, 60, 30, 15, 7 et 1 jours avant. Après la date de fin, le portail ne transmet plus rien au service à ce titre.',
    example: { habilitation: 'hab-cantine-exempleville', fin_de_validite: '2027-03-31T21:59:59.999Z', jours_restants: 30 },
  },
};

/** The event type's identifier, the key of the `events` claim. */
export const spEventUri = (type: SpEventType): string => `${URI_PREFIX}${type}`;

/** The claims of the token, besides `iss`, `iat`, `jti` and `aud` that the signer sets. */
export const spEventClaims = <T extends SpEventType>(type: T, data: SpEventData[T]) => ({ events: { [spEventUri(type)]: data } });

/** The receiver's refusal codes (RFC 8935 § 2.4), which the delivery shows in the event's outcome. */
export const RECEIVER_ERROR_CODES = [
  'invalid_request',
  'invalid_key',
  'invalid_issuer',
  'invalid_audience',
  'authentication_failed',
  'access_denied',
] as const;

/** An event as the service decodes it, header and claims, for the documentation. */
export const spEventExample = (type: SpEventType, issuer: string) => ({
  header: { alg: 'ES256', kid: '…', typ: SP_EVENT_TYP },
  claims: {
    iss: issuer,
    aud: 'votre-client-id',
    iat: 1796550062,
    jti: '6f1c2d9a-8b47-4e0f-a3d5-7c19e2b4f806',
    toe: 1796550060,
    ...spEventClaims(type, SP_EVENT_TYPES[type].example),
  },
});
