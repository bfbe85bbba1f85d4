import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import type { Journal } from '../journal/journal.js';
import { countUnread } from '../justificatif/justificatifs.js';
import { mailBodies } from '../mail/mail-bodies.js';
import type { Mailer } from '../mail/mailer.js';
import { claimDigest, listDigestRecipients } from '../registry/agent.repository.js';
import type { Registry } from '../registry/registry.service.js';
import { parisDay, parisMidnight } from '../wording/dates.fr.js';
import { countOf } from '../wording/lists.fr.js';

/** The hour (Paris) from which the day's e-mail goes out: agents find it when they start work. */
export const DIGEST_HOUR = 7;

export interface DailyDigestDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'serviceProvidersOf'>;
  journal: Journal;
  mailer: Mailer;
  publicUrl: string;
  logger: Logger;
}

/**
 * Once a Paris day, after DIGEST_HOUR, each agent who asked for it gets one e-mail: how many justificatifs arrived
 * since the last one that they have not opened, and a link to them. No name, no number, no data: a count and a
 * link, so that a mailbox read by others reveals nothing. Nothing new, no e-mail. Several nodes may run this at
 * once: each agent's e-mail is claimed first, so only one node sends it.
 */
export async function sendDailyDigests(deps: DailyDigestDependencies, now = Date.now()): Promise<number> {
  const today = parisMidnight(parisDay(now));
  if (now < today + DIGEST_HOUR * 60 * 60 * 1000) return 0;
  let sent = 0;
  for (const agent of await listDigestRecipients(deps.db, today)) {
    if (!(await claimDigest(deps.db, agent.id, agent.digest_sent_at, now))) continue;
    const clientIds = (await deps.registry.serviceProvidersOf(agent.organisation_id)).map((sp) => sp.client_id);
    const since = Math.max(agent.created_at, agent.digest_sent_at ?? agent.created_at);
    const fresh = await countUnread(deps.db, clientIds, { agentId: agent.id, since });
    if (fresh === 0) continue;
    const unread = await countUnread(deps.db, clientIds, { agentId: agent.id, since: agent.created_at });
    const link = `${deps.publicUrl}/agents/justificatifs?nonlus=1`;
    try {
      await deps.mailer.send({
        to: agent.email,
        subject: `${countOf(fresh, 'nouveau justificatif', 'nouveaux justificatifs')} à consulter – Passerelle Particulier`,
        ...mailBodies([
          `Bonjour${agent.given_name === null ? '' : ` ${agent.given_name}`},`,
          `Votre organisation a reçu ${countOf(fresh, 'nouveau justificatif', 'nouveaux justificatifs')} depuis le dernier courriel. Vous avez ${countOf(unread, 'justificatif non lu', 'justificatifs non lus')} en tout.`,
          `Pour les consulter, connectez-vous avec ProConnect : ${link}`,
          'Ce courriel ne contient aucune donnée personnelle. Vous le recevez parce que vous l’avez demandé ; pour ne plus le recevoir, décochez « Recevoir le courriel quotidien » dans l’espace agents, page « Courriel quotidien ».',
          'Passerelle Particulier',
        ]),
      });
    } catch {
      // The mailer has logged why; the claim is given back so that the next round tries again.
      await claimDigest(deps.db, agent.id, now, agent.digest_sent_at ?? 0);
      continue;
    }
    await deps.journal.append({
      type: 'agent.digest_sent',
      actor: 'system',
      organisationId: agent.organisation_id,
      subject: `agent:${agent.id}`,
      data: { fresh, unread },
    });
    sent += 1;
  }
  if (sent > 0) deps.logger.info({ sent }, 'courriels quotidiens des agents envoyés');
  return sent;
}
