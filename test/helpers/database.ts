import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely, KyselyPlugin, RootOperationNode } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import * as appendOnly from '../../src/db/migrations/006-journal-append-only.js';
import type { Database } from '../../src/db/schema.js';

/**
 * Where tests keep their data: SQLite files by default; with TEST_DATABASE_URL (set by scripts/with-postgres.sh),
 * one new PostgreSQL database per call on that server, so test files running in parallel never share rows.
 */
export const testDatabaseServer = process.env.TEST_DATABASE_URL;
export const onPostgres = testDatabaseServer !== undefined && testDatabaseServer !== '';

export interface TestDatabaseLocation {
  url: string;
  /** A folder of the test's own, for files next to the data (key files, seeds). */
  directory: string;
  drop(): Promise<void>;
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseServer });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** An empty database of the test's own, and what removes it. */
export async function createTestDatabase(): Promise<TestDatabaseLocation> {
  const directory = mkdtempSync(join(tmpdir(), 'passerelle-db-'));
  const removeDirectory = () => rmSync(directory, { recursive: true, force: true });
  if (!onPostgres) return { url: `file:${join(directory, 'db.sqlite')}`, directory, drop: async () => removeDirectory() };
  const name = `passerelle_test_${randomBytes(6).toString('hex')}`;
  await onServer(`create database ${name}`);
  const url = new URL(testDatabaseServer as string);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    directory,
    async drop() {
      removeDirectory();
      // WITH (FORCE) ends connections a failed test may have left open.
      await onServer(`drop database if exists ${name} with (force)`);
    },
  };
}

/** A fresh database with the real migrations applied, and what removes it. */
export async function temporaryDatabase(): Promise<{
  db: Kysely<Database>;
  url: string;
  directory: string;
  applied: string[];
  remove(): Promise<void>;
}> {
  const location = await createTestDatabase();
  const db = openDatabase(location.url);
  const applied = await migrateToLatest(db);
  return {
    db,
    url: location.url,
    directory: location.directory,
    applied,
    async remove() {
      // A test may have closed it already, to see what happens without a database.
      await db.destroy().catch(() => undefined);
      await location.drop();
    },
  };
}

/**
 * Fails, on demand, the queries that match. By default with pg's message for a connection cut between a node and
 * its database: what a cut looks like to the code, on either dialect. `db.withPlugin(queries.plugin)`.
 */
export function failingQueries() {
  let failing: { matches: (query: RootOperationNode) => boolean; message: string } | undefined;
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (failing?.matches(node) === true) throw new Error(failing.message);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return {
    plugin,
    fail(matches: (query: RootOperationNode) => boolean, message = 'Connection terminated unexpectedly') {
      failing = { matches, message };
    },
    restore() {
      failing = undefined;
    },
  };
}

/** Whether a query reads or writes `table` (and is of `kind`, such as 'InsertQueryNode', when given). */
export const touches =
  (table: string, kind?: RootOperationNode['kind']) =>
  (query: RootOperationNode): boolean =>
    (kind === undefined || query.kind === kind) && JSON.stringify(query).includes(`"name":"${table}"`);

/**
 * Runs `change` as someone with the database owner's rights, who can drop the journal's append-only triggers:
 * the case the keyed chain and the anchors are for. The triggers are back afterwards.
 */
export async function asDatabaseOwner(db: Kysely<Database>, change: () => Promise<unknown>): Promise<void> {
  await appendOnly.down(db as Kysely<unknown>);
  try {
    await change();
  } finally {
    await appendOnly.up(db as Kysely<unknown>);
  }
}
