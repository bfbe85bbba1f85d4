import { z } from 'zod';

/**
 * Derived answers: instead of an item's raw value, what a service needs to know of it. A canteen needs the tariff
 * bracket, not the quotient familial; a nursery the number of young children, not their names and birth dates. A
 * habilitation declares, per scope, the rule; the gateway applies it at transmission, and only its result leaves.
 */
/** What may be kept of a person named in an answer; `annee_naissance` is the year of `date_naissance`. */
export const PERSON_FIELDS = ['prenoms', 'premier_prenom', 'nom_naissance', 'nom_usage', 'sexe', 'annee_naissance', 'date_naissance'] as const;
const PERSON_FIELD_NAMES: Record<(typeof PERSON_FIELDS)[number], string> = {
  prenoms: 'prénoms',
  premier_prenom: 'premier prénom',
  nom_naissance: 'nom de naissance',
  nom_usage: 'nom d’usage',
  sexe: 'sexe',
  annee_naissance: 'année de naissance',
  date_naissance: 'date de naissance',
};

const ascending = (bounds: number[]) => bounds.every((bound, index) => index === 0 || bound > (bounds[index - 1] ?? -Infinity));

export const derivationSchema = z.discriminatedUnion('regle', [
  /** The bracket the value falls in: lower bound excluded, upper bound included; the first from 0, the last open. */
  z.object({
    regle: z.literal('tranche'),
    bornes: z.array(z.number().int().positive()).min(1).max(12).refine(ascending, 'bornes croissantes attendues'),
  }),
  /** Whether the value is at most the threshold. */
  z.object({ regle: z.literal('seuil'), seuil: z.number().int().positive() }),
  /** How many people of the list are younger than `age_max` on the day of the answer. */
  z.object({ regle: z.literal('nombre'), age_max: z.number().int().min(1).max(30) }),
  /** Whether the person is a beneficiary on the day of the answer: yes or no, without since when nor any detail. */
  z.object({ regle: z.literal('existence') }),
  /** Only these fields of each person of the list: the people named never consented, the service needs little of them. */
  z.object({
    regle: z.literal('champs'),
    champs: z
      .array(z.enum(PERSON_FIELDS))
      .min(1)
      .refine((fields) => new Set(fields).size === fields.length, 'champs en double'),
  }),
]);
export type Derivation = z.infer<typeof derivationSchema>;
export type DerivationRule = Derivation['regle'];

/** Which rules each scope accepts, and where its value is. A scope not here is sent as it is. */
const DERIVABLE: Record<string, { rules: readonly DerivationRule[]; field: string }> = {
  cnaf_quotient_familial: { rules: ['tranche', 'seuil'], field: 'quotient_familial' },
  cnaf_enfants: { rules: ['nombre', 'champs'], field: 'enfants' },
  cnaf_allocataires: { rules: ['champs'], field: 'allocataires' },
  complementaire_sante_solidaire: { rules: ['existence'], field: 'est_beneficiaire' },
  revenu_solidarite_active: { rules: ['existence'], field: 'est_beneficiaire' },
  prime_activite: { rules: ['existence'], field: 'est_beneficiaire' },
  allocation_adulte_handicape: { rules: ['existence'], field: 'est_beneficiaire' },
  allocation_soutien_familial: { rules: ['existence'], field: 'est_beneficiaire' },
  cnav_participation_familiale_eaje_enfants: { rules: ['nombre', 'champs'], field: 'enfants' },
  cnav_participation_familiale_eaje_allocataires: { rules: ['champs'], field: 'allocataires' },
};

export const derivationsSchema = z.record(z.string(), derivationSchema).superRefine((derivations, context) => {
  for (const [scope, derivation] of Object.entries(derivations)) {
    const allowed = DERIVABLE[scope]?.rules;
    if (allowed === undefined) context.addIssue({ code: 'custom', message: `${scope} : aucune réponse dérivée possible pour cette donnée` });
    else if (!allowed.includes(derivation.regle))
      context.addIssue({ code: 'custom', message: `${scope} : règle « ${derivation.regle} » impossible ; possibles : ${allowed.join(', ')}` });
  }
});
export type Derivations = z.infer<typeof derivationsSchema>;

export const parseDerivations = (json: string | null): Derivations => (json === null ? {} : derivationsSchema.parse(JSON.parse(json)));

/** « 450–800 », « 0–450 », « plus de 1200 »: a bracket as the justificatif names it. */
export function bracketName(lower: number, upper: number | null): string {
  return upper === null ? `plus de ${lower}` : `${lower}–${upper}`;
}

const ageOn = (birthDate: string, day: string) => {
  const [by = 0, bm = 0, bd = 0] = birthDate.split('-').map(Number);
  const [y = 0, m = 0, d = 0] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
};

/**
 * The derived data of an item: what is sent instead of `data` (the item's own projected fields). Undefined when the
 * data do not hold what the rule reads: nothing is then sent rather than the raw value.
 */
export function derive(scope: string, derivation: Derivation, data: Record<string, unknown>, day: string): Record<string, unknown> | undefined {
  const field = DERIVABLE[scope]?.field;
  if (field === undefined) return undefined;
  const value = data[field];
  if (derivation.regle === 'existence') return typeof value === 'boolean' ? { beneficiaire: { reponse: value, au: day } } : undefined;
  if (derivation.regle === 'champs') {
    if (!Array.isArray(value)) return undefined;
    const kept = value.map((person) => {
      const entry = typeof person === 'object' && person !== null ? (person as Record<string, unknown>) : {};
      const date = typeof entry.date_naissance === 'string' ? entry.date_naissance : undefined;
      const computed: Record<string, unknown> = {
        ...entry,
        premier_prenom: typeof entry.prenoms === 'string' ? (entry.prenoms.split(' ')[0] ?? null) : null,
        annee_naissance: date === undefined ? null : Number(date.slice(0, 4)),
      };
      return Object.fromEntries(derivation.champs.map((name) => [name, computed[name] ?? null]));
    });
    return { [field]: kept };
  }
  if (derivation.regle === 'nombre') {
    if (!Array.isArray(value)) return undefined;
    const births = value.map((person) =>
      typeof person === 'object' && person !== null ? (person as Record<string, unknown>).date_naissance : undefined,
    );
    if (births.some((birth) => typeof birth !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(birth))) return undefined;
    const count = (births as string[]).filter((birth) => ageOn(birth, day) < derivation.age_max).length;
    return { [`${field}_nombre`]: { nombre: count, age_max: derivation.age_max, au: day } };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { valeur, annee, mois, fournisseur } = value as Record<string, unknown>;
  if (typeof valeur !== 'number') return undefined;
  const period = { annee: annee ?? null, mois: mois ?? null, fournisseur: fournisseur ?? null };
  // A quotient familial of 0 is one the CAF could not compute: no bracket or threshold can be said of it.
  if (valeur <= 0) return { [`${field}_${derivation.regle}`]: { non_calculable: true, ...period } };
  if (derivation.regle === 'seuil')
    return { [`${field}_seuil`]: { seuil: derivation.seuil, inferieur_ou_egal: valeur <= derivation.seuil, ...period } };
  const upperIndex = derivation.bornes.findIndex((bound) => valeur <= bound);
  const lower = upperIndex === 0 ? 0 : (derivation.bornes[upperIndex === -1 ? derivation.bornes.length - 1 : upperIndex - 1] ?? 0);
  const upper = upperIndex === -1 ? null : (derivation.bornes[upperIndex] ?? null);
  return {
    [`${field}_tranche`]: { tranche: bracketName(lower, upper), borne_basse: lower, borne_haute: upper, bornes: derivation.bornes, ...period },
  };
}

const or = new Intl.ListFormat('fr', { type: 'disjunction' });
const and = new Intl.ListFormat('fr', { type: 'conjunction' });

/** Every bracket of a rule, as the consent page lists them: « 0–450, 450–800, 800–1200 ou plus de 1200 ». */
const bracketsOf = (bounds: number[]) =>
  or.format([...bounds.map((bound, index) => bracketName(index === 0 ? 0 : (bounds[index - 1] ?? 0), bound)), bracketName(bounds.at(-1) ?? 0, null)]);

/** What the recipient will learn, said before any value is fetched: the request and consent pages. */
export function ruleSentence(derivation: Derivation, recipient: string): string {
  if (derivation.regle === 'tranche')
    return `${recipient} saura seulement dans quelle tranche est votre quotient familial (${bracketsOf(derivation.bornes)}), pas sa valeur.`;
  if (derivation.regle === 'seuil')
    return `${recipient} saura seulement si votre quotient familial est de ${derivation.seuil} ou moins, pas sa valeur.`;
  if (derivation.regle === 'existence')
    return `${recipient} saura seulement si vous en bénéficiez au jour de la demande, pas depuis quand ni à quelles conditions.`;
  if (derivation.regle === 'champs')
    return `${recipient} saura seulement, de chaque personne de la liste : ${and.format(derivation.champs.map((name) => PERSON_FIELD_NAMES[name]))}.`;
  return `${recipient} saura seulement combien d’enfants de moins de ${derivation.age_max} ans compte votre foyer, pas leurs noms ni leurs dates de naissance.`;
}

/** What the recipient will learn of this answer, said beside the values in the preview: the one sentence that leaves. */
export function resultSentence(derived: Record<string, unknown>, recipient: string): string | undefined {
  const [key, value] = Object.entries(derived)[0] ?? [];
  if (key === undefined || typeof value !== 'object' || value === null) return undefined;
  const answer = value as Record<string, unknown>;
  if (answer.non_calculable === true) return `${recipient} saura seulement que votre quotient familial n’a pas pu être calculé.`;
  if (key.endsWith('_tranche')) return `${recipient} saura seulement que votre quotient familial est dans la tranche ${String(answer.tranche)}.`;
  if (key.endsWith('_seuil'))
    return `${recipient} saura seulement que votre quotient familial est ${answer.inferieur_ou_egal === true ? 'de' : 'supérieur à'} ${String(answer.seuil)}${answer.inferieur_ou_egal === true ? ' ou moins' : ''}.`;
  if (key === 'beneficiaire')
    return `${recipient} saura seulement que vous ${answer.reponse === true ? 'en bénéficiez' : 'n’en bénéficiez pas'} au ${String(answer.au).split('-').reverse().join('/')}.`;
  if (key.endsWith('_nombre')) {
    const count = Number(answer.nombre);
    return `${recipient} saura seulement que votre foyer compte ${count} enfant${count > 1 ? 's' : ''} de moins de ${String(answer.age_max)} ans.`;
  }
  return undefined;
}
