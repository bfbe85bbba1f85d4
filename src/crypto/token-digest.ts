import { createHash } from 'node:crypto';

/**
 * What the database keeps of a bearer value (an authorization code, a token, a session id): its SHA-256. The values
 * are random and long (at least 128 bits), so an unkeyed hash cannot be reversed, and whoever reads the database
 * holds no credential.
 */
export const tokenDigest = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');
