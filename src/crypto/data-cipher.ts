import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// v1 (before 2026-12) had no associated data: its ciphertexts could be moved between rows. They are refused.
const VERSION = 'v2';
const TAG_BYTES = 16;

/**
 * Where a ciphertext lives. It is bound to it as GCM associated data: a value copied into another row, another
 * column or another table no longer decrypts, so whoever can write the database cannot swap one citizen's data for
 * another's.
 */
export interface SealedPlace {
  table: string;
  column: string;
  row: string;
}

/** AES-256-GCM for data at rest: "v2.<iv>.<ciphertext>.<tag>", base64url; any alteration or move fails to decrypt. */
export interface DataCipher {
  encrypt(plaintext: string, place: SealedPlace): string;
  decrypt(sealed: string, place: SealedPlace): string;
}

const associatedData = ({ table, column, row }: SealedPlace) => Buffer.from(JSON.stringify([table, column, row]), 'utf8');

export function createDataCipher(key: Buffer): DataCipher {
  if (key.length !== 32) throw new Error('la clé de chiffrement doit faire 32 octets');
  return {
    encrypt(plaintext, place) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(place));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    decrypt(sealed, place) {
      const [version, iv, ciphertext, tag, ...rest] = sealed.split('.');
      if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined || rest.length > 0)
        throw new Error('donnée chiffrée mal formée');
      const tagBytes = Buffer.from(tag, 'base64url');
      // GCM accepts shorter tags unless told otherwise; a 4-byte tag would be forged in a few billion tries.
      if (tagBytes.length !== TAG_BYTES) throw new Error('donnée chiffrée mal formée');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(place));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
