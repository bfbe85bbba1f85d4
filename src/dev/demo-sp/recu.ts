import { z } from 'zod';
import { libelleTranche, montantEnEuros, prixEnEuros, trancheDeBorne, trancheDuQuotient } from './tarif.js';

/**
 * What the demo service makes of the justificatif it received, in the words a family reads: everything obtained,
 * some of it, or nothing. Written from the portal's public document format only, as an integrator would.
 */

export const RESULTATS = ['complet', 'partiel', 'aucune_information'] as const;
export type Resultat = (typeof RESULTATS)[number];

const elementSchema = z.object({
  scope: z.string(),
  libelle: z.string(),
  producteur: z.string().optional(),
  statut: z.string(),
  explication: z.string().nullable().optional(),
  donnees: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** The justificatif's document; `numero` and `resultat` are absent from justificatifs issued before they existed. */
export const justificatifSchema = z.object({
  id: z.string(),
  numero: z.string().optional(),
  resultat: z.string().optional(),
  elements: z.array(elementSchema),
});
export type JustificatifRecu = z.infer<typeof justificatifSchema>;
type ElementRecu = JustificatifRecu['elements'][number];

/** The document's own `resultat` when it has one we know; otherwise the portal's rule, from the elements' statuses. */
export function resultatDe(justificatif: Pick<JustificatifRecu, 'resultat' | 'elements'>): { resultat: Resultat; calcule: boolean } {
  const declared = RESULTATS.find((resultat) => resultat === justificatif.resultat);
  if (declared !== undefined) return { resultat: declared, calcule: false };
  const obtained = justificatif.elements.filter((element) => element.statut === 'disponible').length;
  const resultat = obtained === justificatif.elements.length ? 'complet' : obtained === 0 ? 'aucune_information' : 'partiel';
  return { resultat, calcule: true };
}

const QF = 'cnaf_quotient_familial';
const ENFANTS = 'cnaf_enfants';
const RFR = 'dgfip_rfr';
const PARTS = 'dgfip_nbpart';

/** Each information the demo asks for, named for the family, and the paper that replaces it at the town hall. */
const WORDS: Record<string, { ce: string; papier: string }> = {
  [QF]: { ce: 'votre quotient familial', papier: 'votre attestation de quotient familial (CAF ou MSA)' },
  [ENFANTS]: { ce: 'la liste des enfants de votre foyer', papier: 'votre livret de famille' },
  [RFR]: { ce: 'votre revenu fiscal de référence', papier: 'votre dernier avis d’impôt sur le revenu' },
  [PARTS]: { ce: 'le nombre de parts de votre foyer fiscal', papier: 'votre dernier avis d’impôt sur le revenu' },
  dgfip_annee_n_moins_2_si_indispo_n_moins_1: { ce: 'l’année de vos revenus', papier: 'votre dernier avis d’impôt sur le revenu' },
};
/** What was received when the habilitation asks for a derived answer instead of the value. */
const DERIVED_WORDS: Record<string, string> = {
  quotient_familial_tranche: 'la tranche de votre quotient familial',
  quotient_familial_seuil: 'la position de votre quotient familial par rapport au seuil',
  enfants_nombre: 'le nombre d’enfants de votre foyer',
};
const wordsOf = (element: ElementRecu) => {
  const words = WORDS[element.scope] ?? { ce: lowerFirst(element.libelle), papier: `un justificatif pour « ${lowerFirst(element.libelle)} »` };
  const derived = Object.keys(element.donnees ?? {})
    .map((key) => DERIVED_WORDS[key])
    .find((text) => text !== undefined);
  return derived === undefined ? words : { ...words, ce: derived };
};

/** Why an item is missing when the document does not say it. */
const REASONS: Record<string, string> = {
  non_trouve: 'l’organisme ne trouve pas de dossier à votre nom',
  indisponible: 'l’organisme ne répond pas en ce moment',
  identite_non_reconnue: 'l’organisme n’a pas pu vous reconnaître',
  information_manquante: 'il manquait une information pour la demander',
};

/** « La CAF ne répond pas… » after a colon: « la CAF ne répond pas… »; an acronym keeps its capitals. */
function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second !== '' && second === second.toUpperCase() && /\p{L}/u.test(second) ? text : first.toLowerCase() + text.slice(1);
}
const withoutFinalStop = (text: string) => text.trim().replace(/\.$/, '');
const reasonOf = (element: ElementRecu) =>
  lowerFirst(withoutFinalStop(element.explication || REASONS[element.statut] || 'une erreur technique a empêché de l’obtenir'));

const and = new Intl.ListFormat('fr', { type: 'conjunction' });
const MONTH = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });

/** « 1er décembre 2026 », « 4 décembre 2026 »: an instant as the day it was in Paris. */
export function jourEnFrancais(instant: Date): string {
  return DAY.formatToParts(instant)
    .map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value))
    .join('');
}

const periodeSchema = {
  annee: z.number().int().nullable().optional(),
  mois: z.number().int().min(1).max(12).nullable().optional(),
  fournisseur: z.string().nullable().optional(),
};
const quotientSchema = z.object({ valeur: z.number(), ...periodeSchema });
/** The bracket the portal sends when the habilitation asks for it instead of the value (« réponse dérivée »). */
const trancheSchema = z.object({ tranche: z.string(), borne_haute: z.number().nullable(), ...periodeSchema });
const nombreSchema = z.object({ nombre: z.number().int().min(0) });
const enfantsSchema = z.array(z.object({ prenoms: z.string() }).loose());
const ORGANISMES: Record<string, string> = { CNAF: 'la CAF', MSA: 'la MSA' };

export interface Tarif {
  /** « 2,40 € » */
  prix: string;
  /** « 620 € »; absent when only the bracket was received. */
  quotient: string | undefined;
  /** « octobre 2026 », the month the quotient is for. */
  mois: string | undefined;
  /** « la CAF » */
  organisme: string | undefined;
  /** « plus de 600 € et jusqu’à 850 € » */
  tranche: string;
  /**
   * Without a quotient familial from the CAF or the MSA, the town's own: the revenu fiscal de référence divided by
   * twelve and by the household's parts, as many towns compute it. « 38 420 € », « 3 », « 2025 ».
   */
  municipal?: { revenuFiscal: string; parts: string; annee: number | undefined };
}

/** What came for one scope, when it came. */
const disponible = (justificatif: Pick<JustificatifRecu, 'elements'>, scope: string) =>
  justificatif.elements.find((element) => element.scope === scope && element.statut === 'disponible')?.donnees;

const rfrSchema = z.object({ rfr: z.number(), annee_revenus: z.number().int().optional() });
const partsSchema = z.object({ nbPart: z.number().positive() });

/** The town's quotient from the tax data, when both the revenu fiscal de référence and the parts came. */
function quotientMunicipal(justificatif: Pick<JustificatifRecu, 'elements'>) {
  const rfr = rfrSchema.safeParse(disponible(justificatif, RFR));
  const parts = partsSchema.safeParse(disponible(justificatif, PARTS));
  if (!rfr.success || !parts.success) return undefined;
  return { valeur: Math.round(rfr.data.rfr / 12 / parts.data.nbPart), rfr: rfr.data.rfr, parts: parts.data.nbPart, annee: rfr.data.annee_revenus };
}

/**
 * The price of a meal from what was received of the quotient familial: its bracket (what the demo's habilitation
 * asks for) or, from a service asking for the value, the value; with what justifies it. None without either.
 */
export function tarifDe(justificatif: Pick<JustificatifRecu, 'elements'>): Tarif | undefined {
  const donnees = disponible(justificatif, QF);
  const bracket = trancheSchema.safeParse(donnees?.quotient_familial_tranche);
  const quotient = quotientSchema.safeParse(donnees?.quotient_familial);
  const tranche = bracket.success ? trancheDeBorne(bracket.data.borne_haute) : quotient.success ? trancheDuQuotient(quotient.data.valeur) : undefined;
  const periode = bracket.success ? bracket.data : quotient.success ? quotient.data : undefined;
  if (tranche === undefined || periode === undefined) {
    const municipal = quotientMunicipal(justificatif);
    const fromTaxes = municipal === undefined ? undefined : trancheDuQuotient(municipal.valeur);
    if (municipal === undefined || fromTaxes === undefined) return undefined;
    return {
      prix: prixEnEuros(fromTaxes.prixCentimes),
      quotient: montantEnEuros(municipal.valeur),
      mois: undefined,
      organisme: undefined,
      tranche: libelleTranche(fromTaxes),
      municipal: { revenuFiscal: montantEnEuros(municipal.rfr), parts: String(municipal.parts).replace('.', ','), annee: municipal.annee },
    };
  }
  const { annee, mois, fournisseur } = periode;
  return {
    prix: prixEnEuros(tranche.prixCentimes),
    quotient: quotient.success ? montantEnEuros(quotient.data.valeur) : undefined,
    mois: annee == null || mois == null ? undefined : MONTH.format(Date.UTC(annee, mois - 1, 1)),
    organisme: fournisseur == null ? undefined : ORGANISMES[fournisseur],
    tranche: libelleTranche(tranche),
  };
}

/** How many children the portal counted (a derived answer), when that is what was asked. */
export function nombreEnfants(justificatif: Pick<JustificatifRecu, 'elements'>): number | undefined {
  const counted = nombreSchema.safeParse(disponible(justificatif, ENFANTS)?.enfants_nombre);
  return counted.success ? counted.data.nombre : undefined;
}

/** The children's first names, as the family knows them: « Lucie », « Hugo ». */
export function prenomsDesEnfants(justificatif: Pick<JustificatifRecu, 'elements'>): string[] {
  const enfants = enfantsSchema.safeParse(disponible(justificatif, ENFANTS)?.enfants);
  return enfants.success ? enfants.data.map((enfant) => enfant.prenoms.split(' ')[0] ?? enfant.prenoms).filter((prenom) => prenom !== '') : [];
}

export interface PageResultat {
  resultat: Resultat;
  /** True when the document had no `resultat` and the demo computed it from the statuses. */
  resultatCalcule: boolean;
  titre: string;
  alerte: { type: 'success' | 'warning'; titre: string; paragraphes: string[] };
  tarif: Tarif | undefined;
  /** « Lucie et Hugo » */
  enfants: string | undefined;
  /** When only their number was received (a derived answer). */
  nombreEnfants: number | undefined;
  numero: string | undefined;
}

/** The result page, from the justificatif: the alert's kind and words, the price when the quotient came. */
export function pageResultat(justificatif: JustificatifRecu): PageResultat {
  const { resultat, calcule } = resultatDe(justificatif);
  const obtained = justificatif.elements.filter((element) => element.statut === 'disponible');
  const missing = justificatif.elements.filter((element) => element.statut !== 'disponible');
  const tarif = tarifDe(justificatif);
  const prenoms = prenomsDesEnfants(justificatif);
  const nombre = nombreEnfants(justificatif);
  const bring = (elements: ElementRecu[]) => {
    const papers = [...new Set(elements.map((element) => wordsOf(element).papier))];
    return `apportez ${and.format(papers.length > 0 ? papers : [WORDS[QF]?.papier ?? ''])} à l’accueil de la mairie`;
  };
  const reasons = [...new Set(missing.map(reasonOf))].join(' ; ');
  const withoutPrice = tarif === undefined ? ' Sans votre quotient familial, nous ne pouvons pas calculer votre tarif.' : '';
  const received = obtained.length > 0 ? and.format(obtained.map((element) => wordsOf(element).ce)) : 'vos informations';

  const alerte: PageResultat['alerte'] =
    resultat === 'complet'
      ? {
          type: 'success',
          titre: 'Informations reçues',
          paragraphes: [
            tarif === undefined
              ? `Nous avons bien reçu ${received}.${withoutPrice} Pour le calculer, ${bring([])}.`
              : `Nous avons bien reçu ${received}. Vous n’avez aucun justificatif à nous apporter.`,
          ],
        }
      : resultat === 'partiel'
        ? {
            type: 'warning',
            titre: 'Certaines informations manquent',
            paragraphes: [
              `Nous avons bien reçu ${received}, mais pas ${and.format(missing.map((element) => wordsOf(element).ce))} : ${reasons}.${withoutPrice}`,
              `Pour compléter votre dossier, ${bring(missing)}. Votre demande n’est pas refusée pour autant.`,
            ],
          }
        : {
            type: 'warning',
            titre: 'Aucune information obtenue',
            paragraphes: [
              `Aucune information n’a pu être obtenue : ${reasons || 'aucun organisme n’a pu répondre'}.`,
              `Pour calculer votre tarif, ${bring(missing)}, ou recommencez plus tard. Votre demande n’est pas refusée pour autant.`,
            ],
          };
  return {
    resultat,
    resultatCalcule: calcule,
    titre: tarif === undefined || resultat === 'aucune_information' ? 'Nous n’avons pas pu calculer votre tarif' : 'Votre tarif de cantine',
    alerte,
    tarif: resultat === 'aucune_information' ? undefined : tarif,
    enfants: prenoms.length > 0 ? and.format(prenoms) : undefined,
    nombreEnfants: nombre,
    numero: justificatif.numero,
  };
}

/** « abcdefgh…wxyz »: enough of a token to recognise it, not enough to use it. */
export const jetonAbrege = (token: string): string => (token.length <= 16 ? token : `${token.slice(0, 8)}…${token.slice(-4)}`);
