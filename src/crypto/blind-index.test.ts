import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBlindIndex } from './blind-index.js';

describe('blind index', () => {
  const key = randomBytes(32);
  const digest = createBlindIndex(key);

  it('gives one value the same digest in one scope, and different ones across scopes, kinds and keys', () => {
    expect(digest('cantine', 'nom', 'dubois')).toBe(digest('cantine', 'nom', 'dubois'));
    expect(digest('cantine', 'nom', 'dubois')).not.toBe(digest('creche', 'nom', 'dubois'));
    expect(digest('cantine', 'nom', 'dubois')).not.toBe(digest('cantine', 'naissance', 'dubois'));
    expect(createBlindIndex(randomBytes(32))('cantine', 'nom', 'dubois')).not.toBe(digest('cantine', 'nom', 'dubois'));
  });

  it('does not let a separator move a value from one part to another', () => {
    expect(digest('a', 'b', 'c d')).not.toBe(digest('a b', 'c', 'd'));
  });

  it('is not the data key itself used as an HMAC key', async () => {
    const { createHmac } = await import('node:crypto');
    const naive = createHmac('sha256', key)
      .update(JSON.stringify(['cantine', 'nom', 'dubois']))
      .digest('base64url');
    expect(digest('cantine', 'nom', 'dubois')).not.toBe(naive);
  });
});
