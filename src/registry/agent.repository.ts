import type { Kysely } from 'kysely';
import type { AgentTable, Database } from '../db/schema.js';

/** The organisations an e-mail address is authorised for, with the role in each. */
export const findAuthorisations = (db: Kysely<Database>, email: string) =>
  db
    .selectFrom('agent')
    .innerJoin('organisation', 'organisation.id', 'agent.organisation_id')
    .selectAll('agent')
    .select(['organisation.name as organisation_name', 'organisation.siret as organisation_siret'])
    .where('agent.email', '=', email.toLowerCase())
    .execute();

export const insertAgent = (db: Kysely<Database>, row: AgentTable) => db.insertInto('agent').values(row).execute();

export const recordProConnectSub = (db: Kysely<Database>, id: string, sub: string) =>
  db.updateTable('agent').set({ proconnect_sub: sub }).where('id', '=', id).execute();

export const listAgents = (db: Kysely<Database>, organisationId: string) =>
  db.selectFrom('agent').selectAll().where('organisation_id', '=', organisationId).orderBy('email').execute();

export const deleteAgent = (db: Kysely<Database>, organisationId: string, id: string) =>
  db.deleteFrom('agent').where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();

/** An agent as the organisation's list has it now: gone once removed. */
export const findAgentById = (db: Kysely<Database>, organisationId: string, id: string) =>
  db.selectFrom('agent').select(['id', 'role']).where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();

export const findAgent = (db: Kysely<Database>, organisationId: string, email: string) =>
  db.selectFrom('agent').selectAll().where('organisation_id', '=', organisationId).where('email', '=', email.toLowerCase()).executeTakeFirst();

export const deleteAgentByEmail = (db: Kysely<Database>, organisationId: string, email: string) =>
  db.deleteFrom('agent').where('organisation_id', '=', organisationId).where('email', '=', email.toLowerCase()).executeTakeFirst();
