import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDataCipher } from './data-cipher.js';

describe('data encryption', () => {
  const cipher = createDataCipher(randomBytes(32));
  it('round-trips, never repeats a ciphertext, and refuses an altered or foreign one', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}');
    expect(sealed).not.toContain('620');
    expect(cipher.decrypt(sealed)).toBe('{"quotient_familial":620}');
    expect(cipher.encrypt('{"quotient_familial":620}')).not.toBe(sealed);
    const parts = sealed.split('.');
    const flipped = `${parts[0]}.${parts[1]}.${(parts[2] ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}.${parts[3]}`;
    expect(() => cipher.decrypt(flipped)).toThrow();
    expect(() => createDataCipher(randomBytes(32)).decrypt(sealed)).toThrow();
    expect(() => createDataCipher(randomBytes(16))).toThrow(/32 octets/);
  });

  it('refuses a truncated authentication tag, which GCM would otherwise accept', () => {
    const sealed = cipher.encrypt('{"quotient_familial":620}');
    const [version, iv, ciphertext, tag] = sealed.split('.');
    const truncated = `${version}.${iv}.${ciphertext}.${Buffer.from(tag ?? '', 'base64url')
      .subarray(0, 4)
      .toString('base64url')}`;
    expect(() => cipher.decrypt(truncated)).toThrow();
  });
});
