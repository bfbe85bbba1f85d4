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

/** An agent as an operator or administrator authorises them: known by address until their first sign-in. */
export type NewAgent = Pick<AgentTable, 'id' | 'email' | 'organisation_id' | 'role' | 'proconnect_sub' | 'created_at'>;

export const insertAgent = (db: Kysely<Database>, row: NewAgent) => db.insertInto('agent').values(row).execute();

/** At each sign-in: the ProConnect account (kept from the first), the name as ProConnect gives it today, the time. */
export const recordSignIn = (db: Kysely<Database>, id: string, signIn: { sub: string; givenName: string; usualName: string; at: number }) =>
  db
    .updateTable('agent')
    .set({ proconnect_sub: signIn.sub, given_name: signIn.givenName, usual_name: signIn.usualName, last_signed_in_at: signIn.at })
    .where('id', '=', id)
    .execute();

export const setRole = (db: Kysely<Database>, organisationId: string, id: string, role: AgentTable['role']) =>
  db.updateTable('agent').set({ role }).where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();

export const setDailyDigest = (db: Kysely<Database>, organisationId: string, id: string, wanted: boolean) =>
  db
    .updateTable('agent')
    .set({ daily_digest: wanted ? 1 : 0 })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute();

/** Agents who asked for the daily e-mail and have not had one since `since`, with their organisation. */
export const listDigestRecipients = (db: Kysely<Database>, since: number) =>
  db
    .selectFrom('agent')
    .select(['id', 'email', 'organisation_id', 'given_name', 'created_at', 'digest_sent_at'])
    .where('daily_digest', '=', 1)
    .where((eb) => eb.or([eb('digest_sent_at', 'is', null), eb('digest_sent_at', '<', since)]))
    .execute();

/** Marks the digest sent, unless another node did first: true for the node that should send it. */
export const claimDigest = async (db: Kysely<Database>, id: string, previous: number | null, at: number) =>
  Number(
    (
      await db
        .updateTable('agent')
        .set({ digest_sent_at: at })
        .where('id', '=', id)
        .where((eb) => (previous === null ? eb('digest_sent_at', 'is', null) : eb('digest_sent_at', '=', previous)))
        .executeTakeFirst()
    ).numUpdatedRows,
  ) === 1;

export const listAgents = (db: Kysely<Database>, organisationId: string) =>
  db.selectFrom('agent').selectAll().where('organisation_id', '=', organisationId).orderBy('email').execute();

export const deleteAgent = (db: Kysely<Database>, organisationId: string, id: string) =>
  db.deleteFrom('agent').where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst();

/** An agent as the organisation's list has it now: gone once removed. */
export const findAgentById = (db: Kysely<Database>, organisationId: string, id: string) =>
  db
    .selectFrom('agent')
    .select(['id', 'role', 'created_at', 'daily_digest'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();

export const findAgent = (db: Kysely<Database>, organisationId: string, email: string) =>
  db.selectFrom('agent').selectAll().where('organisation_id', '=', organisationId).where('email', '=', email.toLowerCase()).executeTakeFirst();

export const deleteAgentByEmail = (db: Kysely<Database>, organisationId: string, email: string) =>
  db.deleteFrom('agent').where('organisation_id', '=', organisationId).where('email', '=', email.toLowerCase()).executeTakeFirst();
