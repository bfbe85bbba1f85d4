import type { Derivation } from '../catalogue/derivations.js';
import type { DataRequest } from '../registry/data-request.js';
import { claimsOf } from '../signing/jws.js';
import { type ItemStatus, statusText } from '../sources/item-status.js';
import type { RequestedItem } from '../sources/items.js';
import { DAY_MS, parisDay } from '../wording/dates.fr.js';

/** An item's status as service providers read it in a justificatif (and in the OpenAPI file). */
export const ELEMENT_STATUSES = {
  ok: 'disponible',
  not_found: 'non_trouve',
  unavailable: 'indisponible',
  invalid_input: 'identite_non_reconnue',
  not_holder: 'identite_non_reconnue',
  missing_input: 'information_manquante',
  error: 'erreur',
} as const satisfies Record<ItemStatus, string>;

export type ElementStatus = (typeof ELEMENT_STATUSES)[ItemStatus];

export interface JustificatifElement {
  scope: string;
  libelle: string;
  producteur: string;
  statut: ElementStatus;
  explication: string | null;
  donnees: Record<string, unknown> | null;
  /**
   * The rule `donnees` was derived by instead of the raw value (catalogue/derivations.ts); null for the raw value,
   * absent from justificatifs issued before 2026-12-05.
   */
  derivation?: Derivation | null;
  /** The month the data are for, YYYY-MM (a quotient familial's month), when the source says it; null otherwise. */
  periode?: string | null;
  obtenu_le: string;
}

/** What the transmission obtained, as service providers read it: every item, some, or none. */
export const RESULTATS = { all: 'complet', some: 'partiel', none: 'aucune_information' } as const;
export type Resultat = (typeof RESULTATS)[Completeness];

/** The justificatif as service providers receive it; keys in French, as API Particulier's own answers. */
export interface JustificatifDocument {
  id: string;
  /** The transmission's number, the one the citizen, the agents and /verifier know it by: PP-AAAA-XXXX-XXXX. */
  numero: string;
  /** Absent from justificatifs issued before 2026-12-04: read it from the elements' statuses then (completenessOf). */
  resultat: Resultat;
  emis_le: string;
  destinataire: { organisation: string; siret: string; client_id: string; demarche: string };
  finalite: string;
  cadre_legal: { texte: string; reference: string };
  conservation_jusqu_au: string;
  sujet: string;
  elements: JustificatifElement[];
}

/** « 2026-10 »: the month an item's data say they are for (annee and mois of its value), as machines read it. */
export function referenceMonthOf(data: Record<string, unknown> | undefined): string | null {
  for (const value of Object.values(data ?? {})) {
    if (typeof value !== 'object' || value === null) continue;
    const { annee, mois } = value as Record<string, unknown>;
    if (typeof annee === 'number' && typeof mois === 'number' && mois >= 1 && mois <= 12) return `${annee}-${String(mois).padStart(2, '0')}`;
  }
  return null;
}

export function buildJustificatif(input: {
  id: string;
  reference: string;
  issuedAt: number;
  request: DataRequest;
  subject: string;
  items: RequestedItem[];
}): JustificatifDocument {
  const { request } = input;
  const elements = input.items.map(
    (item): JustificatifElement => ({
      scope: item.scope,
      libelle: item.title,
      producteur: item.producer,
      statut: ELEMENT_STATUSES[item.status],
      explication: item.status === 'ok' ? null : statusText(item.status).why(item.producerShort),
      donnees: item.data ?? null,
      derivation: item.derivation ?? null,
      periode: referenceMonthOf(item.data),
      obtenu_le: new Date(item.fetchedAt).toISOString(),
    }),
  );
  return {
    id: input.id,
    numero: input.reference,
    resultat: RESULTATS[completenessOf(elements)],
    emis_le: new Date(input.issuedAt).toISOString(),
    destinataire: {
      organisation: request.organisation.name,
      siret: request.organisation.siret,
      client_id: request.clientId,
      demarche: request.procedure,
    },
    finalite: request.purpose,
    cadre_legal: { texte: request.legalBasis, reference: request.legalReference },
    // The day the service must have erased the data by, as the citizen's pages say it: a Paris day.
    conservation_jusqu_au: parisDay(input.issuedAt + request.retentionDays * DAY_MS),
    sujet: input.subject,
    elements,
  };
}

/** Every item obtained, some, or none: the justificatif's outcome. */
export type Completeness = 'all' | 'some' | 'none';

/** The outcome of `obtained` items out of `total`: the one rule, for the preview as for the justificatif. */
export const completenessOfCount = (obtained: number, total: number): Completeness => (obtained === total ? 'all' : obtained === 0 ? 'none' : 'some');

export function completenessOf(elements: Array<Pick<JustificatifElement, 'statut'>>): Completeness {
  return completenessOfCount(elements.filter((element) => element.statut === 'disponible').length, elements.length);
}

/** The document a stored justificatif JWS carries (ours, read back from encrypted storage). */
export const documentOf = (jws: string): JustificatifDocument => claimsOf(jws) as unknown as JustificatifDocument;
