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

/** The habilitation in force now, if any: not revoked, started, not yet expired. */
export const findActiveHabilitation = (db: Kysely<Database>, clientId: string, now: number) =>
  db
    .selectFrom('habilitation')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .where('valid_from', '<=', now)
    .where('valid_until', '>', now)
    .orderBy('valid_until', 'desc')
    .executeTakeFirst();
