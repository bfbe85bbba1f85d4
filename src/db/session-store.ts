import session from 'express-session';
import type { Kysely } from 'kysely';
import type { DataCipher } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import type { Database } from './schema.js';

type Callback = (error?: unknown) => void;

const FALLBACK_TTL_MS = 30 * 60 * 1000;
/** Reads whose expiry a touch may still compare with; more only while that many requests are in flight. */
const REMEMBERED_READS = 10_000;

/**
 * express-session's store on our own database, so sessions survive restarts and work on both dialects. Sessions
 * hold the identity pivot and previewed data: they are stored encrypted, bound to their row, and under the digest of
 * their id, which is the bearer value of the cookie.
 */
export class DatabaseSessionStore extends session.Store {
  /** The expiry each session's row had when this request read it, by digest of its id: what a touch compares with. */
  private readonly readExpiry = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: DataCipher,
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    const digest = tokenDigest(sid);
    this.db
      .selectFrom('session')
      .select(['data', 'expires_at'])
      .where('sid', '=', digest)
      .executeTakeFirst()
      .then((row) => {
        if (row === undefined || row.expires_at <= Date.now()) return callback(null, null);
        if (this.readExpiry.size >= REMEMBERED_READS) this.readExpiry.delete(this.readExpiry.keys().next().value as string);
        this.readExpiry.set(digest, row.expires_at);
        callback(null, this.open(sid, row.data));
      })
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
    const digest = tokenDigest(sid);
    this.readExpiry.delete(digest);
    const row = { sid: digest, data: this.cipher.encrypt(JSON.stringify(data), placeOf(sid)), expires_at: expiresAt(data) };
    this.db
      .insertInto('session')
      .values(row)
      .onConflict((oc) => oc.column('sid').doUpdateSet({ data: row.data, expires_at: row.expires_at }))
      .execute()
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  override destroy(sid: string, callback?: Callback): void {
    const digest = tokenDigest(sid);
    this.readExpiry.delete(digest);
    this.db
      .deleteFrom('session')
      .where('sid', '=', digest)
      .execute()
      .then(() => callback?.())
      .catch((error) => callback?.(error));
  }

  /**
   * Rolling expiry writes the row on every page a person opens, though it moves by seconds. A touch that would push
   * the expiry this request read back by less than a thirtieth of the idle time (a minute of thirty) is skipped: a
   * session then ends at most that much before its full idle time, and most pages write nothing.
   */
  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    const digest = tokenDigest(sid);
    const read = this.readExpiry.get(digest);
    this.readExpiry.delete(digest);
    const expires = expiresAt(data);
    if (read !== undefined && expires - read < (data.cookie?.originalMaxAge ?? 0) / 30) {
      callback?.();
      return;
    }
    this.db
      .updateTable('session')
      .set({ expires_at: expires })
      .where('sid', '=', digest)
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
