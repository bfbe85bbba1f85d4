import type { Kysely } from 'kysely';
import type { Database, OrganisationTable } from '../db/schema.js';

export const insertOrganisation = (db: Kysely<Database>, row: OrganisationTable) => db.insertInto('organisation').values(row).execute();

export const findOrganisationBySiret = (db: Kysely<Database>, siret: string) =>
  db.selectFrom('organisation').selectAll().where('siret', '=', siret).executeTakeFirst();

export const renameOrganisation = (db: Kysely<Database>, id: string, name: string) =>
  db.updateTable('organisation').set({ name }).where('id', '=', id).execute();

export const findOrganisation = (db: Kysely<Database>, id: string) =>
  db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();

export const listOrganisations = (db: Kysely<Database>) => db.selectFrom('organisation').selectAll().orderBy('name').execute();
