import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDataCipher, type SealedPlace } from './data-cipher.js';

const place: SealedPlace = { table: 'justificatif', column: 'sealed', row: 'b7d0c2a4' };

describe('data encryption', () => {
  const cipher = createDataCipher(randomBytes(32));
  it('round-trips, never repeats a ciphertext, and refuses an altered or foreign one', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}', place);
    expect(sealed).not.toContain('620');
    expect(cipher.decrypt(sealed, place)).toBe('{"quotient_familial":620}');
    expect(cipher.encrypt('{"quotient_familial":620}', place)).not.toBe(sealed);
    const parts = sealed.split('.');
    const flipped = `${parts[0]}.${parts[1]}.${(parts[2] ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${parts[3]}`;
    expect(() => cipher.decrypt(flipped, place)).toThrow();
    expect(() => createDataCipher(randomBytes(32)).decrypt(sealed, place)).toThrow();
    expect(() => createDataCipher(randomBytes(16))).toThrow(/32 octets/);
  });

  it('refuses a truncated authentication tag, which GCM would otherwise accept', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}', place);
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const truncated = `${version}.${iv}.${ciphertext}.${Buffer.from(tag ?? '', 'base64url')
      .subarray(0, 4)
      .toString('base64url')}`;
    expect(() => cipher.decrypt(truncated, place)).toThrow();
  });

  it('binds a ciphertext to its table, column and row: moved anywhere else, it no longer decrypts', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}', place);
    expect(() => cipher.decrypt(sealed, { ...place, row: 'e91f3a55' })).toThrow();
    expect(() => cipher.decrypt(sealed, { ...place, column: 'receipt_sealed' })).toThrow();
    expect(() => cipher.decrypt(sealed, { ...place, table: 'session' })).toThrow();
    // No ambiguity from joining the parts: ("a.b", "c") and ("a", "b.c") are two places.
    const dotted = cipher.encrypt('x', { table: 'a.b', column: 'c', row: 'r' });
    expect(() => cipher.decrypt(dotted, { table: 'a', column: 'b.c', row: 'r' })).toThrow();
  });

  it('refuses the former format without associated data', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}', place);
    expect(() => cipher.decrypt(sealed.replace(/^v2\./, 'v1.'), place)).toThrow(/mal formée/);
  });
});
