import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';

/**
 * How the town hears from the portal: Security Event Tokens (RFC 8417) pushed by POST (RFC 8935), checked against
 * the portal's published keys as the justificatifs are. What the town keeps of each file is only what it needs to
 * act on them: the justificatif's id and number, when it came, and whether the family withdrew it.
 */

const RETRAIT = 'urn:passerelle-particulier:evenement:justificatif.retire';
const FIN_HABILITATION = 'urn:passerelle-particulier:evenement:habilitation.expire_bientot';

const eventsClaim = z.object({
  events: z
    .object({
      [RETRAIT]: z.object({ justificatif: z.string(), numero: z.string(), retire_le: z.iso.datetime() }).optional(),
      [FIN_HABILITATION]: z.object({ habilitation: z.string(), fin_de_validite: z.iso.datetime(), jours_restants: z.number() }).optional(),
    })
    .loose(),
});

export interface Dossier {
  justificatif: string;
  numero: string | undefined;
  recuLe: Date | undefined;
  retireLe: Date | undefined;
  retraitNotifieLe: Date | undefined;
}

export interface AvisFinHabilitation {
  habilitation: string;
  finLe: Date;
  joursRestants: number;
  recuLe: Date;
}

/** One event as it arrived, for the developer panel. */
export interface EvenementRecu {
  jti: string;
  recuLe: Date;
  claims: string;
}

/** RFC 8935 § 2.4: why an event was refused, in the receiver's error codes. */
export type RefusEvenement = { err: 'invalid_request' | 'invalid_key' | 'invalid_issuer' | 'invalid_audience'; description: string };

const KEPT = 100;

const refusDe = (error: unknown): RefusEvenement => {
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return { err: 'invalid_issuer', description: 'émetteur inattendu' };
    if (error.claim === 'aud') return { err: 'invalid_audience', description: 'destinataire inattendu' };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return { err: 'invalid_key', description: 'signature non vérifiée avec les clés publiées du portail' };
  return { err: 'invalid_request', description: 'jeton d’événement illisible' };
};

/** The town's files and the events received, in memory: the demo keeps nothing across restarts. */
export function createDossiers(options: { issuer: string; audiences: string[]; keys: JWTVerifyGetKey; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  const dossiers = new Map<string, Dossier>();
  const avis: AvisFinHabilitation[] = [];
  const recus: EvenementRecu[] = [];
  const keep = <T>(list: T[], item: T) => {
    list.unshift(item);
    list.splice(KEPT);
  };

  return {
    /** The service read a justificatif: a file opened, once. */
    recu(justificatif: { id: string; numero?: string | undefined }) {
      if (!dossiers.has(justificatif.id))
        dossiers.set(justificatif.id, {
          justificatif: justificatif.id,
          numero: justificatif.numero,
          recuLe: now(),
          retireLe: undefined,
          retraitNotifieLe: undefined,
        });
    },

    /** One pushed token: checked, then acted on; a token already seen (same jti) is taken again without effect. */
    async evenement(token: string): Promise<RefusEvenement | undefined> {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, options.keys, { issuer: options.issuer, audience: options.audiences, typ: 'secevent+jwt' }));
      } catch (error) {
        return refusDe(error);
      }
      const parsed = eventsClaim.safeParse(payload);
      if (!parsed.success || typeof payload.jti !== 'string')
        return { err: 'invalid_request', description: 'événement sans jti ou de forme inattendue' };
      if (recus.some((recu) => recu.jti === payload.jti)) return undefined;
      const at = now();
      keep(recus, { jti: payload.jti, recuLe: at, claims: JSON.stringify(payload, null, 2) });
      const retrait = parsed.data.events[RETRAIT];
      if (retrait !== undefined) {
        const dossier = dossiers.get(retrait.justificatif) ?? {
          justificatif: retrait.justificatif,
          numero: retrait.numero,
          recuLe: undefined,
          retireLe: undefined,
          retraitNotifieLe: undefined,
        };
        // The town stops using the data and erases what it kept: here, nothing more than the file's number.
        dossiers.set(retrait.justificatif, { ...dossier, retireLe: new Date(retrait.retire_le), retraitNotifieLe: at });
      }
      const fin = parsed.data.events[FIN_HABILITATION];
      if (fin !== undefined)
        keep(avis, { habilitation: fin.habilitation, finLe: new Date(fin.fin_de_validite), joursRestants: fin.jours_restants, recuLe: at });
      return undefined;
    },

    /** Newest first. */
    dossiers: () => [...dossiers.values()].reverse(),
    avis: () => [...avis],
    recus: () => [...recus],
  };
}

export type Dossiers = ReturnType<typeof createDossiers>;
