import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const TAG_BYTES = 16;

/** AES-256-GCM for data at rest: "v1.<iv>.<ciphertext>.<tag>", base64url; any alteration fails to decrypt. */
export interface DataCipher {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

export function createDataCipher(key: Buffer): DataCipher {
  if (key.length !== 32) throw new Error('la clé de chiffrement doit faire 32 octets');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    decrypt(sealed) {
      const [version, iv, ciphertext, tag] = sealed.split('.');
      if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) throw new Error('donnée chiffrée mal formée');
      const tagBytes = Buffer.from(tag, 'base64url');
      // GCM accepts shorter tags unless told otherwise; a 4-byte tag would be forged in a few billion tries.
      if (tagBytes.length !== TAG_BYTES) throw new Error('donnée chiffrée mal formée');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
