import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import { createDataCipher } from '../crypto/data-cipher.js';
import type { Database } from '../db/schema.js';
import { createOidcStorage, type OidcStorage } from './oidc-adapter.js';

let db: Kysely<Database>;
let remove: () => Promise<void>;

beforeAll(async () => {
  ({ db, remove } = await temporaryDatabase());
});
afterAll(async () => {
  await remove();
});

const now = () => Math.floor(Date.now() / 1000);

/** A grant and an access token of it, as oidc-provider stores them at the token endpoint. */
async function issue(storage: OidcStorage, { tokenLifetime = 600 } = {}) {
  const grantId = `grant-${randomBytes(6).toString('hex')}`;
  const token = randomBytes(32).toString('base64url');
  await storage.adapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', clientId: 'sp-a', accountId: 'citizen', exp: now() + 3600 }, 3600);
  await storage
    .adapter('AccessToken')
    .upsert(
      token,
      { jti: token, kind: 'AccessToken', clientId: 'sp-a', grantId, scope: 'openid cnaf_quotient_familial', exp: now() + tokenLifetime },
      600,
    );
  return { grantId, token };
}

describe('createOidcStorage().accessToken', () => {
  it('gives the client, the grant and the scopes of a valid access token', async () => {
    const storage = createOidcStorage(db, async () => undefined, createDataCipher(randomBytes(32)), 60_000);
    const { grantId, token } = await issue(storage);
    expect(await storage.accessToken(token)).toEqual({ clientId: 'sp-a', grantId, scopes: new Set(['openid', 'cnaf_quotient_familial']) });
    expect(await storage.accessToken(`${token}x`)).toBeUndefined();
  });

  it('refuses an expired token, even one still in the database and in memory', async () => {
    const storage = createOidcStorage(db, async () => undefined, createDataCipher(randomBytes(32)), 60_000);
    const { token } = await issue(storage, { tokenLifetime: -1 });
    expect(await storage.accessToken(token)).toBeUndefined();
  });

  it('refuses a token whose grant was revoked on this node, at once, although both were in memory', async () => {
    const storage = createOidcStorage(db, async () => undefined, createDataCipher(randomBytes(32)), 60_000);
    const { grantId, token } = await issue(storage);
    expect(await storage.accessToken(token)).toBeDefined();
    await storage.adapter('Grant').revokeByGrantId?.(grantId);
    expect(await storage.accessToken(token)).toBeUndefined();
  });

  it('refuses a token whose grant is gone, even though the token itself is still stored', async () => {
    const storage = createOidcStorage(db, async () => undefined, createDataCipher(randomBytes(32)), 0);
    const { grantId, token } = await issue(storage);
    await storage.adapter('Grant').destroy(grantId);
    expect(await storage.accessToken(token)).toBeUndefined();
  });
});
