import type { Kysely } from 'kysely';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { DataCipher } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import { isDatabaseUnavailable } from '../db/database.js';
import { createLookupCache } from '../db/lookup-cache.js';
import type { Database } from '../db/schema.js';

/** Builds a service provider's OpenID Connect metadata from the registry, or nothing when it is unknown. */
export type ClientLoader = (clientId: string) => Promise<AdapterPayload | undefined>;

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The database could not be reached. Left as it is, oidc-provider would answer an unknown failure as a 500
 * `server_error`; as this known error it answers 503 `temporarily_unavailable`, in JSON or through our error page.
 * Never as a redirect to the service provider: the person is told here to try again in a moment.
 */
export class StorageUnavailable extends errors.OIDCProviderError {
  constructor(cause: unknown) {
    super(503, 'temporarily_unavailable', { cause });
    this.expose = true;
    this.allow_redirect = false;
    // OAuth error descriptions are ASCII only (RFC 6749 §5.2); this one also goes into WWW-Authenticate headers.
    this.error_description = 'storage temporarily unavailable, retry shortly';
  }
}

function classifyFailures(adapter: Adapter): Adapter {
  const guarded = Object.entries(adapter).map(([name, method]: [string, (...args: unknown[]) => Promise<unknown>]) => [
    name,
    async (...args: unknown[]) => {
      try {
        return await method(...args);
      } catch (error) {
        throw isDatabaseUnavailable(error) ? new StorageUnavailable(error) : error;
      }
    },
  ]);
  return Object.fromEntries(guarded) as unknown as Adapter;
}

/** What the data API needs to know of a Bearer access token: whose it is, its grant and its scopes. */
export interface AccessTokenContext {
  clientId: string;
  grantId: string;
  scopes: Set<string>;
}

export interface OidcStorage {
  /** oidc-provider's `adapter` setting. */
  adapter: (model: string) => Adapter;
  /**
   * The context of an access token still valid whose grant still exists; undefined for an unknown, expired or
   * revoked one. Read from the same storage and memory as oidc-provider's AccessToken.find and Grant.find, without
   * building their models: the data API checks a token on every call.
   */
  accessToken(value: string): Promise<AccessTokenContext | undefined>;
}

/**
 * oidc-provider's storage contract on our database: one table for every model, expiry in epoch milliseconds.
 * Codes, tokens, sessions and interactions are bearer values: a row is keyed by the digest of its id (and of its
 * session uid), and its JSON payload, which repeats the id, is encrypted and bound to that row. Whoever reads the
 * database holds no credential; a payload copied into another row does not open. Clients are not stored here: they
 * are read from the registry, so a new service provider works without a restart.
 *
 * Access tokens and grants, read on every call of the data API and changed only by their revocation, are kept in
 * memory for `lookupCacheMs` at most (never past their own expiry, frozen so that nobody changes what another request
 * reads): a revocation on this node drops them at once, one on another node is seen once that bound has passed.
 */
export function createOidcStorage(db: Kysely<Database>, loadClient: ClientLoader, cipher: DataCipher, lookupCacheMs = 0): OidcStorage {
  const remembered = createLookupCache<AdapterPayload>(lookupCacheMs);
  const adapter = (model: string): Adapter => {
    const remembers = model === 'AccessToken' || model === 'Grant';
    const keyOf = (id: string) => `${model}:${id}`;
    const placeOf = (key: string) => ({ table: 'oidc_payload', column: 'payload', row: `${model}:${key}` });

    const toPayload = (found: { id: string; payload: string; expires_at: number | null; consumed_at: number | null } | undefined) => {
      if (found === undefined || (found.expires_at !== null && found.expires_at <= Date.now())) return undefined;
      let payload: AdapterPayload;
      try {
        payload = JSON.parse(cipher.decrypt(found.payload, placeOf(found.id))) as AdapterPayload;
      } catch {
        return undefined;
      }
      return found.consumed_at === null ? payload : { ...payload, consumed: epochSeconds(found.consumed_at) };
    };

    const rowWhere = (column: 'id' | 'uid', value: string) =>
      db
        .selectFrom('oidc_payload')
        .select(['id', 'payload', 'expires_at', 'consumed_at'])
        .where('model', '=', model)
        .where(column, '=', tokenDigest(value))
        .executeTakeFirst();

    return classifyFailures({
      async upsert(id, payload, expiresIn) {
        const key = tokenDigest(id);
        const values = {
          model,
          id: key,
          payload: cipher.encrypt(JSON.stringify(payload), placeOf(key)),
          grant_id: payload.grantId ?? null,
          uid: payload.uid === undefined ? null : tokenDigest(payload.uid),
          expires_at: expiresIn === undefined ? null : Date.now() + expiresIn * 1000,
          consumed_at: null,
        };
        await db
          .insertInto('oidc_payload')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['model', 'id'])
              .doUpdateSet({ payload: values.payload, grant_id: values.grant_id, uid: values.uid, expires_at: values.expires_at }),
          )
          .execute();
        remembered.delete(keyOf(id));
      },
      async find(id) {
        if (model === 'Client') return loadClient(id);
        const known = remembers ? remembered.get(keyOf(id)) : undefined;
        if (known !== undefined) return known;
        const found = await rowWhere('id', id);
        const payload = toPayload(found);
        if (remembers && payload !== undefined) remembered.set(keyOf(id), Object.freeze(payload), found?.expires_at ?? undefined);
        return payload;
      },
      async findByUid(uid) {
        return toPayload(await rowWhere('uid', uid));
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        await db.updateTable('oidc_payload').set({ consumed_at: Date.now() }).where('model', '=', model).where('id', '=', tokenDigest(id)).execute();
        remembered.delete(keyOf(id));
      },
      async destroy(id) {
        await db.deleteFrom('oidc_payload').where('model', '=', model).where('id', '=', tokenDigest(id)).execute();
        remembered.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        await db.deleteFrom('oidc_payload').where('grant_id', '=', grantId).execute();
        remembered.deleteWhere((payload, key) => payload.grantId === grantId || key === `Grant:${grantId}`);
      },
    });
  };
  const tokens = adapter('AccessToken');
  const grants = adapter('Grant');
  /** A payload found and not expired (oidc-provider's `exp`, in epoch seconds). */
  const live = async (found: ReturnType<Adapter['find']>) => {
    const payload = (await found) ?? undefined;
    return payload !== undefined && (typeof payload.exp !== 'number' || payload.exp > epochSeconds(Date.now())) ? payload : undefined;
  };
  return {
    adapter,
    async accessToken(value) {
      const token = await live(tokens.find(value));
      if (typeof token?.clientId !== 'string' || typeof token.grantId !== 'string') return undefined;
      if ((await live(grants.find(token.grantId))) === undefined) return undefined;
      return { clientId: token.clientId, grantId: token.grantId, scopes: new Set(token.scope?.split(' ')) };
    },
  };
}

/** Removes expired rows; returns how many. */
export async function purgeExpiredOidcPayloads(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('oidc_payload').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
