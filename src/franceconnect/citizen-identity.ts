import { z } from 'zod';

/** The identity pivot as FranceConnect's signed userinfo gives it (birthplace is empty for a birth abroad). */
export const userinfoSchema = z.object({
  sub: z.string().min(1),
  given_name: z.string().min(1),
  family_name: z.string().min(1),
  birthdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  // The identity provider's date, where an unknown day or month is 00 (birthdate then says 01).
  idp_birthdate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  gender: z.enum(['male', 'female']),
  birthplace: z.string().regex(/^(\d{5}|2[AB]\d{3})?$/),
  birthcountry: z.string().regex(/^99\d{3}$/),
  preferred_username: z.string().optional(),
  email: z.string().optional(),
});

export interface CitizenIdentity {
  sub: string;
  givenName: string;
  familyName: string;
  preferredUsername: string | undefined;
  birthdate: string;
  idpBirthdate: string | undefined;
  gender: 'male' | 'female';
  birthplace: string;
  birthcountry: string;
}

export function toCitizenIdentity(userinfo: z.infer<typeof userinfoSchema>): CitizenIdentity {
  return {
    sub: userinfo.sub,
    givenName: userinfo.given_name,
    familyName: userinfo.family_name,
    preferredUsername: userinfo.preferred_username || undefined,
    birthdate: userinfo.birthdate,
    idpBirthdate: userinfo.idp_birthdate,
    gender: userinfo.gender,
    birthplace: userinfo.birthplace,
    birthcountry: userinfo.birthcountry,
  };
}
