import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Faults a reserved persona triggers on purpose, for tests and demonstrations. */
export const FAULTS = ['access_denied', 'wrong_state', 'userinfo_error', 'slow_token', 'tampered_id_token', 'tampered_userinfo', 'weak_acr'] as const;
export type Fault = (typeof FAULTS)[number];

const cogCommune = z.string().regex(/^(\d{5}|2[AB]\d{3})?$/, 'code commune INSEE (5 caractères, 2A/2B pour la Corse) ou vide');

const personaSchema = z
  .object({
    login: z.string().min(1),
    password: z.string().min(1),
    description: z.string().min(1),
    fault: z.enum(FAULTS).optional(),
    given_name: z.string().min(1),
    family_name: z.string().min(1),
    preferred_username: z.string().optional(),
    gender: z.enum(['female', 'male']),
    birthdate: z.iso.date(),
    // The identity provider's own value, where day or month may be 00 (FranceConnect's idp_birthdate claim).
    idp_birthdate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    birthplace: cogCommune,
    birthcountry: z.string().regex(/^99\d{3}$/, 'code pays INSEE 99XXX'),
    email: z.email().optional(),
  })
  .refine((p) => (p.birthcountry === '99100') === (p.birthplace !== ''), {
    message: 'birthplace est rempli pour une naissance en France (99100) et vide sinon',
    path: ['birthplace'],
  });

export type Persona = z.infer<typeof personaSchema>;

const personasFileSchema = z
  .object({ personas: z.array(personaSchema).min(1) })
  .refine((file) => new Set(file.personas.map((p) => p.login)).size === file.personas.length, { message: 'chaque login doit être unique' });

export function parsePersonas(json: unknown, origin: string): Persona[] {
  const parsed = personasFileSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')} : ${i.message}`).join('; ');
    throw new Error(`Fichier d’identités ${origin} invalide : ${details}`);
  }
  return parsed.data.personas;
}

export function loadPersonas(path: string): Persona[] {
  return parsePersonas(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** The claims FranceConnect v2 may release for a persona, before scope filtering. */
export function personaClaims(persona: Persona): Record<string, unknown> {
  return {
    given_name: persona.given_name,
    given_name_array: persona.given_name.split(' '),
    family_name: persona.family_name,
    preferred_username: persona.preferred_username ?? '',
    gender: persona.gender,
    birthdate: persona.birthdate,
    idp_birthdate: persona.idp_birthdate ?? persona.birthdate,
    birthplace: persona.birthplace,
    birthcountry: persona.birthcountry,
    ...(persona.email === undefined ? {} : { email: persona.email }),
    idp_id: 'idp-local-passerelle',
  };
}
