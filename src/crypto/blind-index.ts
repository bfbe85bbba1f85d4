import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keyed digests of encrypted values, so that rows can be found by a value the database never holds in clear (a word
 * of a name, a birth date). Unkeyed, a name's hash is reversed by hashing a list of names; keyed, whoever reads the
 * database without the key learns nothing but equalities, and those only within one scope: the same name digests
 * differently for two service providers, so their rows cannot be matched against each other.
 */
export type BlindIndex = (scope: string, kind: string, value: string) => string;

/** Derived from the data key, for this use only: the key that encrypts never signs. */
export function createBlindIndex(dataKey: Buffer): BlindIndex {
  const key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'passerelle-particulier/index-de-recherche', 32));
  return (scope, kind, value) =>
    createHmac('sha256', key)
      .update(JSON.stringify([scope, kind, value]), 'utf8')
      .digest('base64url');
}
