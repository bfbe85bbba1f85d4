import type { Kysely } from 'kysely';
import type { ConsentTable, Database } from '../db/schema.js';

/** Our own record of each decision, kept apart from oidc-provider's short-lived grants. */
export const insertConsent = (db: Kysely<Database>, row: ConsentTable) => db.insertInto('consent').values(row).execute();

/** A citizen's decisions, newest first: never anyone else's. */
export const listConsentsOf = (db: Kysely<Database>, citizenSub: string) =>
  db.selectFrom('consent').selectAll().where('citizen_sub', '=', citizenSub).orderBy('decided_at', 'desc').execute();

export const findConsent = (db: Kysely<Database>, id: string) => db.selectFrom('consent').selectAll().where('id', '=', id).executeTakeFirst();
