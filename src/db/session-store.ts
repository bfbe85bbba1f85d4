import session from 'express-session';
import type { Kysely } from 'kysely';
import type { DataCipher } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import type { Database } from './schema.js';

type Callback = (error?: unknown) => void;

const FALLBACK_TTL_MS = 30 * 60 * 1000;

/**
 * express-session's store on our own database, so sessions survive restarts and work on both dialects. Sessions
 * hold the identity pivot and previewed data: they are stored encrypted, bound to their row, and under the digest of
 * their id, which is the bearer value of the cookie.
 */
export class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: DataCipher,
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    this.db
      .selectFrom('session')
      .select(['data', 'expires_at'])
      .where('sid', '=', tokenDigest(sid))
      .executeTakeFirst()
      .then((row) => callback(null, row && row.expires_at > Date.now() ? this.open(sid, row.data) : null))
      .catch((error) => callback(error));
  }

  /** A row that does not decrypt in its place (altered, or copied from another session) is no session: sign in again. */
  private open(sid: string, data: string): session.SessionData | null {
    try {
      return JSON.parse(this.cipher.decrypt(data, placeOf(sid))) as session.SessionData;
    } catch {
      return null;
    }
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const row = { sid: tokenDigest(sid), data: this.cipher.encrypt(JSON.stringify(data), placeOf(sid)), expires_at: expiresAt(data) };
    this.db
      .insertInto('session')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data: row.data, expires_at: row.expires_at }))
      .execute()
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.db
      .deleteFrom('session')
      .where('sid', '=', tokenDigest(sid))
      .execute()
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.db
      .updateTable('session')
      .set({ expires_at: expiresAt(data) })
      .where('sid', '=', tokenDigest(sid))
      .execute()
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpired(now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom('session').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

const placeOf = (sid: string) => ({ table: 'session', column: 'data', row: tokenDigest(sid) });

function expiresAt(data: session.SessionData): number {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires).getTime() : Date.now() + FALLBACK_TTL_MS;
}
