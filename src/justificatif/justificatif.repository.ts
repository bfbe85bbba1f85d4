import type { Kysely } from 'kysely';
import type { Database, JustificatifTable } from '../db/schema.js';

export const insertJustificatif = (db: Kysely<Database>, row: JustificatifTable) => db.insertInto('justificatif').values(row).execute();

/** The justificatif an access token opens: the one issued with the token's grant, for that client only. */
export const findJustificatifByGrant = (db: Kysely<Database>, grantId: string, clientId: string) =>
  db.selectFrom('justificatif').selectAll().where('grant_id', '=', grantId).where('client_id', '=', clientId).executeTakeFirst();
