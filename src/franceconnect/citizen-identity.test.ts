import { describe, expect, it } from 'vitest';
import { toCitizenIdentity, userinfoSchema } from './citizen-identity.js';

/** A userinfo as FranceConnect's signed answer carries it for the identity pivot. */
const userinfo = {
  sub: 'b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1',
  given_name: 'Lucie Anne',
  family_name: 'FONTAINE',
  birthdate: '1988-02-11',
  gender: 'female',
  birthplace: '44109',
  birthcountry: '99100',
  preferred_username: 'MARTIN',
};

const mapped = (overrides: Record<string, unknown>) => {
  const parsed = userinfoSchema.safeParse({ ...userinfo, ...overrides });
  return parsed.success ? toCitizenIdentity(parsed.data) : undefined;
};

describe('the FranceConnect identity pivot', () => {
  it('maps the claims to the citizen the portal knows', () => {
    expect(mapped({})).toEqual({
      sub: userinfo.sub,
      givenName: 'Lucie Anne',
      familyName: 'FONTAINE',
      preferredUsername: 'MARTIN',
      birthdate: '1988-02-11',
      idpBirthdate: undefined,
      gender: 'female',
      birthplace: '44109',
      birthcountry: '99100',
    });
  });

  it('keeps a birth abroad (no birthplace) and Corsica’s communes', () => {
    expect(mapped({ birthplace: '', birthcountry: '99134' })).toMatchObject({ birthplace: '', birthcountry: '99134' });
    expect(mapped({ birthplace: '2A004' })).toMatchObject({ birthplace: '2A004' });
  });

  it('keeps the identity provider’s own date when the day or month is unknown', () => {
    expect(mapped({ birthdate: '1975-01-01', idp_birthdate: '1975-00-00' })).toMatchObject({ birthdate: '1975-01-01', idpBirthdate: '1975-00-00' });
  });

  it('has no usage name when FranceConnect sends an empty one', () => {
    expect(mapped({ preferred_username: '' })?.preferredUsername).toBeUndefined();
    expect(mapped({ preferred_username: undefined })?.preferredUsername).toBeUndefined();
  });

  it('refuses an incomplete or malformed pivot rather than guess', () => {
    for (const wrong of [
      { given_name: '' },
      { family_name: undefined },
      { birthdate: '11/02/1988' },
      { gender: 'unknown' },
      { birthplace: '441' },
      { birthcountry: '100' },
    ]) {
      expect(mapped(wrong), JSON.stringify(wrong)).toBeUndefined();
    }
  });
});
