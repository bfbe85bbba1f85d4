import { randomBytes } from 'node:crypto';
import type { SessionData } from 'express-session';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import { createDataCipher } from '../crypto/data-cipher.js';
import { tokenDigest } from '../crypto/token-digest.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { DatabaseSessionStore } from './session-store.js';

let db: Kysely<Database>;
let remove: () => Promise<void>;
let store: DatabaseSessionStore;

beforeAll(async () => {
  const temporary = await temporaryDatabase();
  ({ db, remove } = temporary);
  expect(temporary.applied).toEqual([
    '001-sessions',
    '002-registry-and-authorization',
    '003-justificatifs',
    '004-journal-and-agents',
    '005-citizen-space',
    '006-journal-append-only',
    '007-justificatif-outcome',
    '008-agents-daily-work',
    '009-habilitation-derivations',
    '010-household',
    '011-habilitation-call-modes',
    '012-service-provider-events',
    '013-habilitation-requests',
    '014-prolongations-and-reminders',
    '015-service-credentials',
    '016-service-environments',
    '017-justificatif-lookups',
  ]);
  expect(await migrateToLatest(db)).toEqual([]);
  store = new DatabaseSessionStore(db, createDataCipher(randomBytes(32)));
});
afterAll(() => remove());

const call = <T>(fn: (cb: (error: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

const sessionFor = (expires: Date, extra: Record<string, unknown> = {}) =>
  ({ cookie: { expires, originalMaxAge: 60_000 }, ...extra }) as unknown as SessionData;

describe('database session store', () => {
  it('stores, reads back, replaces and destroys a session row', async () => {
    const later = new Date(Date.now() + 60_000);
    await call((cb) => store.set('s1', sessionFor(later, { franceconnect: { state: 'a', nonce: 'b', returnTo: '/' } }), cb));
    expect((await call<SessionData | null>((cb) => store.get('s1', cb)))?.franceconnect?.state).toBe('a');
    await call((cb) => store.set('s1', sessionFor(later, { franceconnect: { state: 'c', nonce: 'd', returnTo: '/' } }), cb));
    const [row] = await db.selectFrom('session').selectAll().where('sid', '=', tokenDigest('s1')).execute();
    expect(row?.data).not.toContain('franceconnect');
    expect((await call<SessionData | null>((cb) => store.get('s1', cb)))?.franceconnect?.state).toBe('c');
    await call((cb) => store.destroy('s1', cb));
    expect(await call((cb) => store.get('s1', cb))).toBeNull();
  });

  it('never returns an expired session, and purges expired rows only', async () => {
    await call((cb) => store.set('old', sessionFor(new Date(Date.now() - 1000)), cb));
    await call((cb) => store.set('live', sessionFor(new Date(Date.now() + 60_000)), cb));
    expect(await call((cb) => store.get('old', cb))).toBeNull();
    expect(await store.purgeExpired()).toBe(1);
    expect((await db.selectFrom('session').select('sid').execute()).map((r) => r.sid)).toEqual([tokenDigest('live')]);
  });

  it('touch pushes the expiry back', async () => {
    const soon = new Date(Date.now() + 1000);
    await call((cb) => store.set('t', sessionFor(soon), cb));
    const later = new Date(Date.now() + 3_600_000);
    await call((cb) => store.touch('t', sessionFor(later), cb));
    const row = await db.selectFrom('session').select('expires_at').where('sid', '=', tokenDigest('t')).executeTakeFirstOrThrow();
    expect(row.expires_at).toBe(later.getTime());
  });

  it('skips a touch that would move the expiry it read by less than a thirtieth of the idle time, not a later one', async () => {
    const idle = 30 * 60_000;
    const stored = Date.now() + idle;
    const expiryOf = async () =>
      (await db.selectFrom('session').select('expires_at').where('sid', '=', tokenDigest('r')).executeTakeFirstOrThrow()).expires_at;
    const withIdle = (expires: number) => ({ cookie: { expires: new Date(expires), originalMaxAge: idle } }) as unknown as SessionData;
    await call((cb) => store.set('r', withIdle(stored), cb));
    await call((cb) => store.get('r', cb));
    await call((cb) => store.touch('r', withIdle(stored + 59_000), cb));
    expect(await expiryOf()).toBe(stored);
    // Without a read of its own, a touch writes.
    await call((cb) => store.touch('r', withIdle(stored + 1000), cb));
    expect(await expiryOf()).toBe(stored + 1000);
    await call((cb) => store.get('r', cb));
    await call((cb) => store.touch('r', withIdle(stored + 1000 + 61_000), cb));
    expect(await expiryOf()).toBe(stored + 62_000);
  });

  it('keeps no session id in clear, and a session’s data copied into another row does not open there', async () => {
    const later = new Date(Date.now() + 60_000);
    const victim = 'Zt9cW2qLm5xR8vB1nK4pJ7sD0fH3gA6e';
    const attacker = 'Qw8eR5tY2uI9oP6aS3dF0gH7jK4lZ1xC';
    await call((cb) => store.set(victim, sessionFor(later, { citizen: { sub: 'victime' } }), cb));
    await call((cb) => store.set(attacker, sessionFor(later, { citizen: { sub: 'attaquant' } }), cb));
    const rows = await db.selectFrom('session').selectAll().execute();
    expect(rows.some((row) => row.sid === victim || row.sid === attacker)).toBe(false);
    const victimData = rows.find((row) => row.sid === tokenDigest(victim))?.data ?? '';
    await db.updateTable('session').set({ data: victimData }).where('sid', '=', tokenDigest(attacker)).execute();
    expect(await call((cb) => store.get(attacker, cb))).toBeNull();
    expect((await call<SessionData | null>((cb) => store.get(victim, cb)))?.citizen).toEqual({ sub: 'victime' });
  });
});
