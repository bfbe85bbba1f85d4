import { describe, expect, it } from 'vitest';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret.js';
import { addMonths, habilitationStatus } from './habilitation.js';
import { isValidSiret } from './siret.js';

describe('SIRET', () => {
  it('accepts 14 digits with a valid Luhn key, and La Poste establishments', () => {
    expect(isValidSiret('21999999900010')).toBe(true);
    expect(isValidSiret('35600000000048')).toBe(true);
    expect(isValidSiret('21999999900011')).toBe(false);
    expect(isValidSiret('2199999990001')).toBe(false);
    expect(isValidSiret('2199999990001A')).toBe(false);
  });
});

describe('client secrets', () => {
  it('are random, stored hashed, and verified in constant time', () => {
    const secret = generateClientSecret();
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(generateClientSecret()).not.toBe(secret);
    const stored = hashClientSecret(secret);
    expect(stored).not.toContain(secret);
    expect(verifyClientSecret(secret, stored)).toBe(true);
    expect(verifyClientSecret(`${secret}x`, stored)).toBe(false);
    expect(verifyClientSecret(secret, 'plain')).toBe(false);
  });
});

describe('habilitation status', () => {
  const base = { valid_from: Date.parse('2026-01-01'), valid_until: Date.parse('2027-01-01'), revoked_at: null };
  it('is active inside its validity, expired after, pending before, revoked once revoked', () => {
    expect(habilitationStatus(base, Date.parse('2026-06-01'))).toBe('active');
    expect(habilitationStatus(base, Date.parse('2027-01-02'))).toBe('expired');
    expect(habilitationStatus(base, Date.parse('2025-12-31'))).toBe('pending');
    expect(habilitationStatus({ ...base, revoked_at: Date.parse('2026-02-01') }, Date.parse('2026-06-01'))).toBe('revoked');
  });

  it('adds calendar months', () => {
    expect(new Date(addMonths(Date.parse('2026-01-31T00:00:00Z'), 1)).toISOString().slice(0, 10)).toBe('2026-02-28');
    expect(new Date(addMonths(Date.parse('2026-11-23T00:00:00Z'), 18)).toISOString().slice(0, 10)).toBe('2028-05-23');
  });
});
