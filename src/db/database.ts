import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

// BIGINT (our epoch-millisecond timestamps, sequence numbers, counts) comes back from pg as a string; every value
// we store fits in a double, so both dialects hand the code the same numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseSettings {
  url: string;
  /** PostgreSQL only: connections per node, longest statement, longest wait for a connection. */
  poolSize: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** What a node uses when the environment says nothing; the environment schema takes its defaults from here. */
export const POSTGRES_DEFAULTS = { poolSize: 10, statementTimeoutMs: 10_000, connectTimeoutMs: 5000 } as const;

export function databaseKind(url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

/** "file:./data/x.sqlite", a plain path, or ":memory:" for SQLite; "postgres://…" for PostgreSQL. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^file:/, '');
  return path === ':memory:' ? path : resolve(path);
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 with its prepared statements kept by SQL text: Kysely prepares each query anew, and preparing
 * was a tenth of the time of a complete flow in the profile. Statements are reusable; the oldest go past the bound.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const statements = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return Object.assign(Object.create(sqlite) as SQLite.Database, {
    prepare(source: string) {
      let statement = statements.get(source);
      if (statement === undefined) {
        statement = prepare(source);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        statements.set(source, statement);
      }
      return statement;
    },
    close: () => sqlite.close(),
  });
}

function openPostgres(settings: DatabaseSettings, onConnectionError: (error: Error) => void): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // A transaction left open by a crashed request would hold the journal lock; the server ends it instead.
    idle_in_transaction_session_timeout: settings.statementTimeoutMs,
    application_name: 'passerelle-particulier',
    keepAlive: true,
  });
  // A connection cut by the server (restart, failover) emits "error" on its client, in use or idle; without a listener
  // the process would exit. The query in flight fails on its own (its transaction is rolled back by the server); the
  // pool drops the client and opens a new one at the next query, which is how the node recovers by itself.
  pool.on('connect', (client) => client.on('error', onConnectionError));
  // The pool repeats idle clients' errors; the listener above has reported them already.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Transactions that take SQLite's write lock when they begin. Kysely begins them deferred: one that reads, then writes
 * after another process has committed fails at once with SQLITE_BUSY, without waiting (its snapshot is stale). Taken
 * at BEGIN, the lock is waited for (busy_timeout) and then held to the end, so the processes of one machine
 * (WEB_CONCURRENCY) write one after the other. Within a process, Kysely's single connection serialises them already.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function openSqlite(url: string): Kysely<Database> {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // SQLite's advice for WAL: a sync per checkpoint rather than per commit. Consistency is kept; a power cut can lose
  // the last commits. A node that must not lose any runs on PostgreSQL.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process holding the write lock is waited for, up to 5 s, before SQLITE_BUSY (a 503) is answered.
  sqlite.pragma('busy_timeout = 5000');
  const settings = { database: withStatementCache(sqlite) };
  const dialect = new (class extends SqliteDialect {
    override createDriver() {
      return new ImmediateSqliteDriver(settings);
    }
  })(settings);
  return new Kysely<Database>({ dialect });
}

/** The database named by the URL, with the same Kysely interface on both dialects. */
export function openDatabase(
  settings: string | (Partial<DatabaseSettings> & { url: string }),
  onConnectionError: (error: Error) => void = () => undefined,
): Kysely<Database> {
  const complete = typeof settings === 'string' ? { url: settings } : settings;
  return databaseKind(complete.url) === 'postgres'
    ? openPostgres({ ...POSTGRES_DEFAULTS, ...complete }, onConnectionError)
    : openSqlite(complete.url);
}

export const isPostgres = (db: Kysely<Database>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** Critical sections that must not run on two nodes at once. The numbers are advisory-lock keys: never reuse one. */
const LOCKS = { journalHead: 1, signingKeys: 2, seed: 3, team: 4 } as const;
const LOCK_NAMESPACE = 0x5050; // "PP": keeps our keys apart from any other application's on a shared server.

/**
 * Holds a named lock until the end of the transaction `trx`. On PostgreSQL, a transaction-scoped advisory lock
 * serialises the section across every node sharing the server. On SQLite, every transaction holds the database's
 * single write lock from its start (begin immediate), across the processes sharing the file: nothing more to do.
 */
export async function lockUntilCommit(trx: Kysely<Database>, lock: keyof typeof LOCKS): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${LOCKS[lock]})`.execute(trx);
}

// Connection exceptions (08…), the server shutting down or starting (57P01–57P03), a cancelled statement (57014,
// statement_timeout) on PostgreSQL; a locked file on SQLite; and the socket errors of a server that went away.
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '57014',
  'SQLITE_BUSY',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended/i;

/** Whether a failure means "the database cannot be reached now" (a 503 to retry later) rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (UNAVAILABLE_MESSAGES.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

export async function isDatabaseReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
