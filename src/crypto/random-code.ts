import { randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` random characters of Crockford's base32, 5 bits each: what the printed numbers are made of. */
export const randomCode = (length: number): string => [...randomBytes(length)].map((byte) => ALPHABET[byte % 32]).join('');
