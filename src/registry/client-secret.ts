import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Secrets we generate carry 256 random bits: a plain SHA-256 cannot be reversed by brute force, and it keeps the
// token endpoint fast (a password hash such as scrypt is for low-entropy secrets chosen by people).
const PREFIX = 'sha256$';

export const generateClientSecret = (): string => randomBytes(32).toString('base64url');

export const hashClientSecret = (secret: string): string => PREFIX + createHash('sha256').update(secret, 'utf8').digest('base64url');

export function verifyClientSecret(secret: string, stored: string): boolean {
  if (!stored.startsWith(PREFIX)) return false;
  const expected = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
