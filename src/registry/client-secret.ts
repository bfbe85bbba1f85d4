import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Secrets we generate carry 256 random bits: a plain SHA-256 cannot be reversed by brute force, and it keeps the
// token endpoint fast (a password hash such as scrypt is for low-entropy secrets chosen by people).
const PREFIX = 'sha256$';

/** How long a renewed secret may keep working beside the new one: long enough to deploy it, short enough to matter. */
export const MAX_SECRET_OVERLAP_DAYS = 30;

export const generateClientSecret = (): string => randomBytes(32).toString('base64url');

export const hashClientSecret = (secret: string): string => PREFIX + createHash('sha256').update(secret, 'utf8').digest('base64url');

export function verifyClientSecret(secret: string, stored: string): boolean {
  if (!stored.startsWith(PREFIX)) return false;
  const expected = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A secret renewed with an overlap, accepted until its end. */
export const isPreviousSecretValid = (secret: string, previous: { hash: string | null; until: number | null }, now = Date.now()): boolean =>
  previous.hash !== null && previous.until !== null && now < previous.until && verifyClientSecret(secret, previous.hash);
