import { z } from 'zod';
import type { ExtraInputs } from '../sources/source-definition.js';

/** What the consent page asks when the requested items need it, with a message that says how to fix it. */
const identifiant = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{3,50}$/, 'Saisissez l’identifiant de votre compte France Travail. Exemple : jean.dupont');
const ine = z
  .string()
  .trim()
  .regex(/^\d{10}[A-Za-z]$/, 'L’INE compte 11 caractères : 10 chiffres puis une lettre. Exemple : 1234567890A')
  .transform((value) => value.toUpperCase());
const athleteNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,20}$/, 'L’identifiant de sportif ne contient que des chiffres et des lettres, sans espace. Exemple : 123456789');
const schoolYear = z
  .string()
  .regex(/^(\d{4})-(\d{4})$/, 'Choisissez l’année scolaire.')
  .refine((value) => Number(value.slice(5)) === Number(value.slice(0, 4)) + 1, 'Choisissez l’année scolaire.');
const birthDate = z.iso
  .date('Saisissez la date de naissance. Exemple : 05/10/2012')
  .refine((value) => Date.parse(value) < Date.now(), 'La date de naissance doit être passée.');

// The SIV format, with or without dashes or spaces, as people copy it from a registration certificate.
const plate = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase().replace(/[\s-]+/g, ''))
  .pipe(z.string().regex(/^[A-Z]{2}\d{3}[A-Z]{2}$/, 'Le numéro d’immatriculation a la forme AB-123-CD (deux lettres, trois chiffres, deux lettres).'))
  .transform((value) => `${value.slice(0, 2)}-${value.slice(2, 5)}-${value.slice(5)}`);

export type FieldErrors = Record<string, string>;

/** Parses the extra inputs the requested items need; returns the errors by field name otherwise. */
export function parseExtraInputs(body: Record<string, unknown>, needed: Set<string>): { inputs: ExtraInputs; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const inputs: ExtraInputs = {};
  const field = <T>(name: string, schema: z.ZodType<T>, required: boolean, message = 'Ce champ est obligatoire.'): T | undefined => {
    const raw = typeof body[name] === 'string' ? (body[name] as string).trim() : '';
    if (raw === '') {
      if (required) errors[name] = message;
      return undefined;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) errors[name] = parsed.error.issues[0]?.message ?? message;
    return parsed.success ? parsed.data : undefined;
  };
  if (needed.has('identifiant_france_travail'))
    inputs.identifiantFranceTravail = field(
      'identifiant_france_travail',
      identifiant,
      true,
      'Saisissez l’identifiant de votre compte France Travail. Exemple : jean.dupont',
    );
  if (needed.has('ine')) inputs.ine = field('ine', ine, false);
  if (needed.has('immatriculation'))
    inputs.immatriculation = field(
      'immatriculation',
      plate,
      true,
      'Saisissez le numéro d’immatriculation du véhicule, tel qu’il figure sur la carte grise. Exemple : AB-123-CD',
    );
  if (needed.has('identifiant_sportif'))
    inputs.identifiantSportif = field(
      'identifiant_sportif',
      athleteNumber,
      true,
      'Saisissez votre identifiant de sportif, donné par le ministère chargé des Sports. Exemple : 123456789',
    );
  if (needed.has('eleve')) {
    const nom = field('eleve_nom', z.string().min(1).max(100), true, 'Saisissez le nom de naissance de l’élève.');
    const prenoms = field('eleve_prenoms', z.string().min(1).max(200), true, 'Saisissez les prénoms de l’élève.');
    // In the form's order: the error summary lists the errors as they come.
    const dateNaissance = field('eleve_date_naissance', birthDate, true, 'Saisissez la date de naissance. Exemple : 05/10/2012');
    const sexe = field('eleve_sexe', z.enum(['F', 'M'], 'Choisissez le sexe de l’élève.'), true, 'Choisissez le sexe de l’élève.');
    const anneeScolaire = field('annee_scolaire', schoolYear, true, 'Choisissez l’année scolaire.');
    if (nom && prenoms && sexe && dateNaissance && anneeScolaire) {
      inputs.eleve = { nomNaissance: nom.toUpperCase(), prenoms: prenoms.split(/\s+/), sexe, dateNaissance, anneeScolaire };
    }
  }
  for (const key of Object.keys(inputs) as Array<keyof ExtraInputs>) if (inputs[key] === undefined) delete inputs[key];
  return { inputs, errors };
}

/** The school years a parent may ask about: the current one and the previous one. */
export function schoolYears(now = new Date()): string[] {
  const start = now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return [`${start}-${start + 1}`, `${start - 1}-${start}`];
}
