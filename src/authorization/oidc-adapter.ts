import type { Kysely } from 'kysely';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { isDatabaseUnavailable } from '../db/database.js';
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

/**
 * oidc-provider's storage contract on our database: one table for every model, JSON payloads, expiry in epoch
 * milliseconds. Clients are not stored here: they are read from the registry, so a new service provider works
 * without a restart.
 */
export function databaseAdapterFactory(db: Kysely<Database>, loadClient: ClientLoader): (model: string) => Adapter {
  return (model: string): Adapter => {
    const row = (id: string) =>
      db
        .selectFrom('oidc_payload')
        .select(['payload', 'expires_at', 'consumed_at'])
        .where('model', '=', model)
        .where('id', '=', id)
        .executeTakeFirst();

    const toPayload = (found: { payload: string; expires_at: number | null; consumed_at: number | null } | undefined) => {
      if (found === undefined || (found.expires_at !== null && found.expires_at <= Date.now())) return undefined;
      const payload = JSON.parse(found.payload) as AdapterPayload;
      return found.consumed_at === null ? payload : { ...payload, consumed: epochSeconds(found.consumed_at) };
    };

    return classifyFailures({
      async upsert(id, payload, expiresIn) {
        const values = {
          model,
          id,
          payload: JSON.stringify(payload),
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
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
      },
      async find(id) {
        return model === 'Client' ? loadClient(id) : toPayload(await row(id));
      },
      async findByUid(uid) {
        const found = await db
          .selectFrom('oidc_payload')
          .select(['payload', 'expires_at', 'consumed_at'])
          .where('model', '=', model)
          .where('uid', '=', uid)
          .executeTakeFirst();
        return toPayload(found);
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        await db.updateTable('oidc_payload').set({ consumed_at: Date.now() }).where('model', '=', model).where('id', '=', id).execute();
      },
      async destroy(id) {
        await db.deleteFrom('oidc_payload').where('model', '=', model).where('id', '=', id).execute();
      },
      async revokeByGrantId(grantId) {
        await db.deleteFrom('oidc_payload').where('grant_id', '=', grantId).execute();
      },
    });
  };
}

/** Removes expired rows; returns how many. */
export async function purgeExpiredOidcPayloads(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom('oidc_payload').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
