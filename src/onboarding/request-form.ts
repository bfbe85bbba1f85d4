import { z } from 'zod';
import { APIS } from '../catalogue/apis.js';
import { CALL_MODE_NAMES, CALL_MODES, type CallMode, defaultModeOf, modesOf } from '../catalogue/call-modes.js';
import { apisFor, groupByProducer, isCatalogueScope } from '../catalogue/catalogue.js';
import { SCOPES } from '../catalogue/scopes.js';
import { isRegistrableUrl } from '../registry/registry.service.js';

/**
 * A habilitation request's form, as DataPass asks it for API Particulier: the project, its legal basis, retention,
 * contacts, the data asked and how, and what the portal needs to create the service (its return addresses). A draft
 * keeps whatever was typed; a submission must be complete.
 */

/** Retention above which DataPass asks why: 36 months. */
export const RETENTION_NEEDING_REASON_DAYS = 1095;

/** The APIs offering more than one way of being asked: the form lets the service choose for them. */
export const CHOOSABLE_APIS = APIS.filter((api) => modesOf(api).length > 1);

const MAX = 2000;
const required = (message: string) => z.string().trim().min(1, message).max(MAX, `${MAX} caractères au plus.`);

const BASE_FIELDS = [
  'organisation_nom',
  'intitule',
  'finalite',
  'description',
  'maquette_url',
  'mise_en_production',
  'volumetrie',
  'destinataires',
  'conservation_jours',
  'justification_conservation',
  'cadre_juridique',
  'cadre_juridique_url',
  'dpo_nom',
  'dpo_email',
  'contact_metier_nom',
  'contact_metier_email',
  'contact_metier_telephone',
  'contact_technique_nom',
  'contact_technique_email',
  'contact_technique_telephone',
  'redirect_uris',
  'webhook_url',
] as const;
const TEXT_FIELDS: readonly string[] = [...BASE_FIELDS, ...CHOOSABLE_APIS.map((api) => `mode_${api.id}`)];

/** The form as the browser posts it, every field a string, bounded; only known scopes. What a draft keeps. */
export const rawForm = z.looseObject({}).transform((body) => {
  const form: Record<string, string | string[]> = {};
  for (const name of TEXT_FIELDS) form[name] = typeof body[name] === 'string' ? (body[name] as string).slice(0, MAX) : '';
  const scopes = body.scopes;
  form.scopes = (Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? [scopes] : []).filter(
    (scope): scope is string => typeof scope === 'string' && isCatalogueScope(scope),
  );
  return form as RawForm;
});
export type RawForm = Record<(typeof BASE_FIELDS)[number], string> & {
  scopes: string[];
  [mode: `mode_${string}`]: string;
  /** A prolongation's note (habilitation-requests.ts sets it; the form never posts it). */
  prolongation_note?: string;
  /** A passage into production's note, the same way. */
  production_note?: string;
};

/** The return addresses as typed, one per line (or separated by spaces). */
const splitAddresses = (value: string) => value.split(/\s+/).filter(Boolean);
export const redirectUrisOf = (form: Pick<RawForm, 'redirect_uris'>) => splitAddresses(form.redirect_uris);

const https = (message: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', message);
const email = (message: string) => z.string().trim().pipe(z.email(message));
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 .]{10,20}$/, 'Saisissez un numéro de téléphone. Exemple : 01 23 45 67 89');

/** A submitted request, complete and checked; its errors are the form's sentences, by field. */
export const submittedForm = (options: { today: string; allowLocalHttp: boolean }) =>
  z
    .object({
      organisation_nom: required('Saisissez le nom de votre organisation.').pipe(z.string().min(2).max(200, 'Le nom : 200 caractères au plus.')),
      intitule: required('Saisissez l’intitulé de votre démarche.').pipe(
        z.string().min(2, 'L’intitulé : 2 caractères au moins.').max(200, 'L’intitulé : 200 caractères au plus.'),
      ),
      finalite: required('Saisissez la finalité, telle que la personne la lira.').pipe(
        z.string().min(10, 'La finalité : 10 caractères au moins.').max(500, 'La finalité : 500 caractères au plus.'),
      ),
      description: required('Décrivez votre démarche et ce que vous ferez des données.').pipe(
        z.string().min(20, 'Décrivez votre démarche en 20 caractères au moins.'),
      ),
      maquette_url: z.union([z.literal(''), https('L’adresse de la maquette commence par https://.')]),
      mise_en_production: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'Saisissez la date de mise en production. Exemple : 2027-03-01')
        .refine((day) => day >= options.today, 'La date de mise en production est aujourd’hui ou plus tard.'),
      volumetrie: z
        .string()
        .trim()
        .regex(/^\d{1,9}$/, 'Saisissez le nombre de demandes attendues par an, en chiffres. Exemple : 1200')
        .transform(Number),
      destinataires: required('Dites qui recevra les données : le service et la fonction des agents.'),
      conservation_jours: z
        .string()
        .trim()
        .regex(/^\d{1,4}$/, 'Saisissez la durée de conservation en jours. Exemple : 365')
        .transform(Number)
        .refine((days) => days >= 1 && days <= 3650, 'La durée de conservation va de 1 à 3 650 jours.'),
      justification_conservation: z.string().trim(),
      cadre_juridique: required('Saisissez le cadre juridique qui vous autorise à demander ces données.').pipe(
        z.string().min(5, 'Le cadre juridique : 5 caractères au moins.').max(500, 'Le cadre juridique : 500 caractères au plus.'),
      ),
      cadre_juridique_url: https('Saisissez l’adresse du texte (Légifrance, délibération publiée), qui commence par https://.').pipe(
        z.string().max(300, 'L’adresse du texte : 300 caractères au plus.'),
      ),
      dpo_nom: required('Saisissez le nom du délégué à la protection des données.'),
      dpo_email: email('Saisissez l’adresse électronique du délégué à la protection des données. Exemple : dpo@mairie.fr'),
      contact_metier_nom: required('Saisissez le nom du contact métier.'),
      contact_metier_email: email('Saisissez l’adresse électronique du contact métier. Exemple : prenom.nom@mairie.fr'),
      contact_metier_telephone: phone,
      contact_technique_nom: required('Saisissez le nom du contact technique.'),
      contact_technique_email: email('Saisissez l’adresse électronique du contact technique. Exemple : prenom.nom@mairie.fr'),
      contact_technique_telephone: phone,
      redirect_uris: z
        .string()
        .transform(splitAddresses)
        .pipe(
          z
            .array(z.string())
            .min(1, 'Saisissez au moins une adresse de retour (redirect_uri), une par ligne.')
            .max(10, 'Saisissez 10 adresses de retour au plus.')
            .refine(
              (uris) => uris.every((uri) => isRegistrableUrl(uri, options.allowLocalHttp)),
              'Chaque adresse de retour commence par https:// (http://localhost seulement pour essayer), sans #.',
            ),
        ),
      webhook_url: z.union([
        z.literal(''),
        z
          .string()
          .trim()
          .refine((uri) => isRegistrableUrl(uri, options.allowLocalHttp), 'L’adresse de notification commence par https://.'),
      ]),
      scopes: z.array(z.string()).min(1, 'Cochez au moins une donnée.'),
      ...Object.fromEntries(CHOOSABLE_APIS.map((api) => [`mode_${api.id}`, z.union([z.literal(''), z.enum(CALL_MODES)])])),
    })
    .superRefine((form, ctx) => {
      if (form.conservation_jours > RETENTION_NEEDING_REASON_DAYS && form.justification_conservation.length < 10)
        ctx.addIssue({
          code: 'custom',
          path: ['justification_conservation'],
          message: 'Au-delà de 36 mois de conservation, expliquez pourquoi cette durée est nécessaire.',
        });
    });

export type SubmittedForm = z.output<ReturnType<typeof submittedForm>>;

/** The call modes the request chose, only for the APIs its data need and only where they differ from the default. */
export function callModesOf(form: Record<string, unknown>, scopes: string[]): Record<string, CallMode> {
  const modes: Record<string, CallMode> = {};
  const needed = apisFor(scopes);
  for (const api of CHOOSABLE_APIS) {
    const mode = CALL_MODES.find((known) => known === form[`mode_${api.id}`]);
    if (needed.includes(api.id) && mode !== undefined && mode !== defaultModeOf(api)) modes[api.id] = mode;
  }
  return modes;
}

/** The catalogue as the form offers it: by administration, each item with what it reveals; the modes per API. */
export const formCatalogue = () => ({
  groups: groupByProducer(SCOPES.map((entry) => entry.scope)).map((group, index) => ({
    id: `donnees-${index + 1}`,
    name: group.name,
    items: group.items.map((item) => ({ scope: item.scope, title: item.title, explanation: item.explanation })),
  })),
  modes: CHOOSABLE_APIS.map((api) => ({
    name: `mode_${api.id}`,
    label: api.name,
    options: [
      ['', `Par défaut : ${CALL_MODE_NAMES[defaultModeOf(api)]}`],
      ...modesOf(api)
        .filter((mode) => mode !== defaultModeOf(api))
        .map((mode) => [mode, CALL_MODE_NAMES[mode]]),
    ],
  })),
});

/** The form's errors by field, the first message of each. */
export const errorsOf = (error: z.ZodError): Record<string, string> => {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'formulaire')] ??= issue.message;
  return errors;
};
