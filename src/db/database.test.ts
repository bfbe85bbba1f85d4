import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatabaseOwner, onPostgres, temporaryDatabase } from '../../test/helpers/database.js';
import { isDatabaseUnavailable, isPostgres, lockUntilCommit, openDatabase } from './database.js';

let database: Awaited<ReturnType<typeof temporaryDatabase>>;
beforeAll(async () => {
  database = await temporaryDatabase();
});
afterAll(() => database.remove());

describe(`the database layer (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('runs on the dialect the suite was started for', () => {
    expect(isPostgres(database.db)).toBe(onPostgres);
  });

  it('gives back the same integers, timestamps, flags and JSON text on both dialects', async () => {
    const { db } = database;
    const at = Date.UTC(2026, 10, 23, 12, 30, 15, 123);
    await db
      .insertInto('journal_entry')
      .values({
        seq: 2 ** 40,
        at,
        type: 'operator.action',
        actor: 'opérateur',
        data: '{"ville":"Évry-Courcouronnes","emoji":"✅"}',
        prev_hash: '0',
        hash: '1',
      })
      .execute();
    const row = await db
      .selectFrom('journal_entry')
      .selectAll()
      .where('seq', '=', 2 ** 40)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ seq: 2 ** 40, at, actor: 'opérateur', organisation_id: null });
    expect(typeof row.at).toBe('number');
    expect(JSON.parse(row.data)).toEqual({ ville: 'Évry-Courcouronnes', emoji: '✅' });
    const { count } = await db
      .selectFrom('journal_entry')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    expect(count).toBe(1);
    await asDatabaseOwner(db, () => db.deleteFrom('journal_entry').execute());
  });

  it('holds a named lock until commit: a second transaction waits for the first', async () => {
    const { db } = database;
    const order: string[] = [];
    let locked: () => void = () => undefined;
    const firstHasLock = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const first = db.transaction().execute(async (trx) => {
      await lockUntilCommit(trx, 'journalHead');
      locked();
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push('first commits');
    });
    await firstHasLock;
    const second = db.transaction().execute(async (trx) => {
      await lockUntilCommit(trx, 'journalHead');
      order.push('second holds the lock');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first commits', 'second holds the lock']);
  });

  it.runIf(onPostgres)('ends a statement past DATABASE_STATEMENT_TIMEOUT_MS, and calls it unavailable rather than a bug', async () => {
    const short = openDatabase({ url: database.url, statementTimeoutMs: 200 });
    try {
      const error = await sql`select pg_sleep(2)`.execute(short).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toMatchObject({ code: '57014' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await short.destroy();
    }
  });
});

describe('isDatabaseUnavailable', () => {
  it('tells an unreachable or restarting database from a programming error', () => {
    const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
    expect(isDatabaseUnavailable(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDatabaseUnavailable(coded('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseUnavailable(coded('the database system is starting up', '57P03'))).toBe(true);
    expect(isDatabaseUnavailable(coded('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(coded('database is locked', 'SQLITE_BUSY'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new AggregateError([coded('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]) }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(coded('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseUnavailable(coded('UNIQUE constraint failed: consent.id', 'SQLITE_CONSTRAINT_PRIMARYKEY'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });
});
