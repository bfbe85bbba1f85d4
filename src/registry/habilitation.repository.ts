import type { Kysely, Updateable } from 'kysely';
import type { Database, HabilitationTable } from '../db/schema.js';

export const insertHabilitation = (db: Kysely<Database>, row: HabilitationTable) => db.insertInto('habilitation').values(row).execute();

export const updateHabilitation = (db: Kysely<Database>, id: string, changes: Updateable<HabilitationTable>) =>
  db.updateTable('habilitation').set(changes).where('id', '=', id).execute();

export const findHabilitation = (db: Kysely<Database>, id: string) =>
  db.selectFrom('habilitation').selectAll().where('id', '=', id).executeTakeFirst();

/** Habilitations of a service provider, newest first. */
export const listHabilitations = (db: Kysely<Database>, clientId?: string) => {
  const query = db.selectFrom('habilitation').selectAll().orderBy('created_at', 'desc');
  return (clientId === undefined ? query : query.where('client_id', '=', clientId)).execute();
};

/** Habilitations in force at `at`: not revoked, started, not yet expired. */
const inForceAt = (db: Kysely<Database>, at: number) =>
  db.selectFrom('habilitation').selectAll().where('revoked_at', 'is', null).where('valid_from', '<=', at).where('valid_until', '>', at);

/** The habilitation in force now, if any. */
export const findActiveHabilitation = (db: Kysely<Database>, clientId: string, now: number) =>
  inForceAt(db, now).where('client_id', '=', clientId).orderBy('valid_until', 'desc').executeTakeFirst();

/** The habilitations in force at `at` whose end comes by `until`: those whose services must hear of it. */
export const listEndingBy = (db: Kysely<Database>, at: number, until: number) =>
  inForceAt(db, at).where('valid_until', '<=', until).orderBy('valid_until').execute();
