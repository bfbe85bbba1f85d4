import { describe, expect, it } from 'vitest';
import { authorizeViolation, logoutViolation, pickAcr } from './request-params.js';
import { franceConnectSub } from './subject.js';

const valid = {
  client_id: 'c',
  acr_values: 'eidas1',
  response_type: 'code',
  nonce: 'n'.repeat(22),
  state: 's',
  redirect_uri: 'http://localhost/cb',
  scope: 'openid',
};

describe('authorize parameters', () => {
  it('accept the closed list and name the first violation', () => {
    expect(authorizeViolation(valid)).toBeUndefined();
    expect(authorizeViolation({ ...valid, idp_hint: 'x', ui_locales: 'fr', claims: '{}', prompt: 'consent login' })).toBeUndefined();
    expect(authorizeViolation({ ...valid, code_challenge: 'x' })).toBe('paramètre non autorisé : code_challenge');
    expect(authorizeViolation({ ...valid, scope: ['openid', 'openid'] })).toBe('paramètre répété ou mal formé : scope');
    expect(authorizeViolation({ ...valid, nonce: 'n'.repeat(21) })).toBe('valeur refusée pour nonce');
    const { state: _state, ...withoutState } = valid;
    expect(authorizeViolation(withoutState)).toBe('paramètre manquant : state');
  });

  it('logout requires a hint and nothing unknown', () => {
    expect(logoutViolation({ id_token_hint: 'x', state: 's', post_logout_redirect_uri: 'http://localhost/out', client_id: 'c' })).toBeUndefined();
    expect(logoutViolation({ state: 's' })).toBe('paramètre manquant : id_token_hint');
    expect(logoutViolation({ id_token_hint: 'x', foo: '1' })).toBe('paramètre non autorisé : foo');
  });
});

describe('acr', () => {
  it('keeps the lowest known level and treats unknown values as eidas1', () => {
    expect(pickAcr('eidas1')).toBe('eidas1');
    expect(pickAcr('eidas3 eidas2')).toBe('eidas2');
    expect(pickAcr('inconnu eidas3')).toBe('eidas3');
    expect(pickAcr('niveau_inconnu')).toBe('eidas1');
    expect(pickAcr('')).toBe('eidas1');
    expect(pickAcr(undefined)).toBe('eidas1');
  });
});

describe('sub', () => {
  const persona = {
    login: 'x',
    password: 'y',
    description: 'z',
    given_name: 'Jean',
    family_name: 'NOM',
    gender: 'male' as const,
    birthdate: '1990-01-01',
    birthplace: '75056',
    birthcountry: '99100',
  };
  it('is 64 hex characters and v1, deterministic per client and secret', () => {
    const sub = franceConnectSub(persona, 'client-a', 'secret');
    expect(sub).toMatch(/^[0-9a-f]{64}v1$/);
    expect(franceConnectSub(persona, 'client-a', 'secret')).toBe(sub);
    expect(franceConnectSub(persona, 'client-b', 'secret')).not.toBe(sub);
    expect(franceConnectSub(persona, 'client-a', 'autre')).not.toBe(sub);
    expect(franceConnectSub({ ...persona, given_name: 'Jeanne' }, 'client-a', 'secret')).not.toBe(sub);
  });
});
