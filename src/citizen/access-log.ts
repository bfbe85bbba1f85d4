import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const ACTIONS: Record<string, string> = {
  'justificatif.fetched': 'a reçu vos informations',
  'agent.view': 'a consulté le justificatif',
  'agent.print': 'a imprimé le justificatif',
};

/** A stable number per agent that tells agents apart without naming them; their organisation can say who it was. */
export const agentNumber = (secret: string, agentId: string) =>
  createHmac('sha256', secret).update(`agent\n${agentId}`).digest('hex').slice(0, 4).toUpperCase();

/** Who received or looked at one justificatif, newest first, from the journal. */
export async function accessLog(db: Kysely<Database>, justificatifId: string, procedure: string, secret: string) {
  const entries = await db
    .selectFrom('journal_entry')
    .leftJoin('organisation', 'organisation.id', 'journal_entry.organisation_id')
    .select(['journal_entry.at', 'journal_entry.type', 'journal_entry.actor', 'organisation.name as organisation_name'])
    .where('journal_entry.subject', '=', `justificatif:${justificatifId}`)
    .where('journal_entry.type', 'in', Object.keys(ACTIONS))
    .orderBy('journal_entry.seq', 'desc')
    .execute();
  return entries.map((entry) => ({
    at: entry.at,
    who: entry.actor.startsWith('agent:')
      ? `Agent n° ${agentNumber(secret, entry.actor.slice('agent:'.length))}, ${entry.organisation_name ?? 'organisation inconnue'}`
      : `Logiciel de la démarche « ${procedure} »`,
    action: ACTIONS[entry.type] ?? entry.type,
  }));
}
