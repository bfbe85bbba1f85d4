import { randomCode } from '../crypto/random-code.js';

/** The short number printed on a justificatif and typed at /verifier: PP-2026-7F3K-9Q2M (40 random bits). */
export function newReference(now = new Date()): string {
  const chars = randomCode(8);
  return `PP-${now.getUTCFullYear()}-${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

export const REFERENCE_PATTERN = /^PP-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * Accepts what people type or read off paper: lower case, spaces or dashes anywhere or missing, the « PP » left out,
 * and O, I or L where the code has 0 or 1. Anything else comes back compacted, and fails REFERENCE_PATTERN.
 */
export function normaliseReference(input: string): string {
  const compact = input.toUpperCase().replace(/[\s\-‐‑–—.]+/g, '');
  const match = /^(?:PP)?(\d{4})([0-9A-Z]{4})([0-9A-Z]{4})$/.exec(compact);
  if (match === null) return compact;
  const fix = (part = '') => part.replaceAll('O', '0').replace(/[IL]/g, '1');
  return `PP-${match[1]}-${fix(match[2])}-${fix(match[3])}`;
}

/** Whether a typed text is a justificatif's number, however written. */
export const isReference = (input: string): boolean => REFERENCE_PATTERN.test(normaliseReference(input));
