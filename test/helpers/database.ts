import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';

/** A fresh SQLite file with the real migrations applied, and what removes it. */
export async function temporaryDatabase(): Promise<{ db: Kysely<Database>; directory: string; applied: string[]; remove(): Promise<void> }> {
  const directory = mkdtempSync(join(tmpdir(), 'passerelle-db-'));
  const db = openDatabase(`file:${join(directory, 'db.sqlite')}`);
  const applied = await migrateToLatest(db);
  return {
    db,
    directory,
    applied,
    async remove() {
      await db.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
