import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Journal } from '../journal/journal.js';
import { entriesOfOrganisation } from '../journal/journal-reader.js';
import type { AgentListState, Justificatif, Justificatifs, OpenedJustificatif } from '../justificatif/justificatifs.js';
import { deleteAgent, findAgent, findAuthorisations, insertAgent, listAgents, recordProConnectSub } from '../registry/agent.repository.js';
import type { Registry } from '../registry/registry.service.js';
import { parisMidnight } from '../wording/dates.fr.js';
import type { AgentSession } from './agent-session.js';
import type { AgentIdentity } from './proconnect.service.js';

export const JOURNAL_PAGE_SIZE = 50;

/** A search of the organisation's justificatifs, as the agent typed it once validated. */
export interface ListQuery {
  /** First and last day, YYYY-MM-DD, both included. */
  du?: string;
  au?: string;
  demarche?: string;
  statut?: AgentListState;
}

export interface AgentSpaceDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'serviceProvidersOf' | 'findServiceProvider'>;
  justificatifs: Pick<Justificatifs, 'find' | 'open' | 'list'>;
  journal: Journal;
  /** The pseudonym under which an organisation's administrators see a citizen. */
  citizenOfOrganisation: (organisationId: string, citizenSub: string) => string;
  now?: () => number;
}

const actorOf = (agent: Pick<AgentSession, 'id'>) => `agent:${agent.id}`;

export const listStateOf = (justificatif: Justificatif): AgentListState =>
  justificatif.state === 'withdrawn'
    ? 'retire'
    : justificatif.state === 'expired'
      ? 'expire'
      : justificatif.outcome === 'all'
        ? 'complet'
        : justificatif.outcome === 'none'
          ? 'aucune'
          : 'partiel';

/**
 * The agents' space without HTTP: who may sign in, what an organisation's agents may find, read and print (each
 * recorded), and what its administrators manage. An agent never sees another organisation's justificatif.
 */
export function createAgentSpace({ db, registry, justificatifs, journal, citizenOfOrganisation, now = Date.now }: AgentSpaceDependencies) {
  return {
    /** Only agents an operator or administrator authorised get in; any other attempt is recorded. */
    async signIn(identity: AgentIdentity, idToken: string): Promise<AgentSession> {
      const authorisations = await findAuthorisations(db, identity.email);
      const chosen = authorisations.find((a) => a.organisation_siret === identity.siret) ?? authorisations[0];
      if (chosen === undefined) {
        await journal.append({ type: 'agent.denied', actor: `proconnect:${identity.sub}`, data: { email: identity.email, siret: identity.siret } });
        // The address stays in the journal, kept for audit; the technical log, read more widely, only points there.
        throw new AppError('AGENT-001', 'agent non habilité (journal : agent.denied)');
      }
      // The first ProConnect account to sign in with an address is the agent's: another one with the same address
      // (an identity provider that lets addresses be reused) is refused, not allowed to take the agent's place.
      if (chosen.proconnect_sub !== null && chosen.proconnect_sub !== identity.sub) {
        await journal.append({
          type: 'agent.denied',
          actor: `proconnect:${identity.sub}`,
          organisationId: chosen.organisation_id,
          data: { email: identity.email, reason: 'autre compte ProConnect' },
        });
        throw new AppError('AGENT-003', 'compte ProConnect différent de celui enregistré (journal : agent.denied)');
      }
      if (chosen.proconnect_sub === null) await recordProConnectSub(db, chosen.id, identity.sub);
      await journal.append({
        type: 'agent.signed_in',
        actor: `agent:${chosen.id}`,
        organisationId: chosen.organisation_id,
        data: { role: chosen.role },
      });
      return {
        id: chosen.id,
        email: identity.email,
        givenName: identity.givenName,
        usualName: identity.usualName,
        organisationId: chosen.organisation_id,
        organisationName: chosen.organisation_name,
        role: chosen.role,
        idToken,
      };
    },

    /** One page of the organisation's justificatifs, newest first; a filtered list is a search, and is recorded. */
    async list(agent: AgentSession, query: ListQuery, page: number) {
      const serviceProviders = await registry.serviceProvidersOf(agent.organisationId);
      const procedureOf = new Map(serviceProviders.map((sp) => [sp.client_id, sp.procedure_name]));
      const chosen = query.demarche === undefined ? serviceProviders : serviceProviders.filter((sp) => sp.procedure_name === query.demarche);
      const searched = Object.values(query).some((value) => value !== undefined);
      // The journal keeps what was searched, not whatever the address carried: a procedure the organisation does
      // not have (only a hand-made address has one) is recorded as unknown.
      const filters = { ...query, demarche: query.demarche === undefined || chosen.length > 0 ? query.demarche : '(démarche inconnue)' };
      if (searched) await journal.append({ type: 'agent.search', actor: actorOf(agent), organisationId: agent.organisationId, data: { filters } });
      const { rows, total } = await justificatifs.list(
        {
          clientIds: chosen.map((sp) => sp.client_id),
          // Days as the list shows them: Paris days.
          from: query.du === undefined ? undefined : parisMidnight(query.du),
          to: query.au === undefined ? undefined : parisMidnight(query.au, 1),
          state: query.statut,
        },
        page,
      );
      return {
        rows: rows.map((justificatif) => ({
          justificatif,
          procedure: procedureOf.get(justificatif.clientId) ?? '',
          state: listStateOf(justificatif),
        })),
        total,
        procedures: [...new Set(serviceProviders.map((sp) => sp.procedure_name))],
      };
    },

    /**
     * The organisation's justificatif by its number, opened and checked, its reading (a view or a print) recorded;
     * another organisation's, or an unknown number, is a 404 recorded as a refused access.
     */
    async read(
      agent: AgentSession,
      reference: string,
      reading: 'agent.view' | 'agent.print',
    ): Promise<{ justificatif: Justificatif; procedure: string; organisation: string; opened: OpenedJustificatif }> {
      const justificatif = await justificatifs.find(reference);
      const sp = justificatif === undefined ? undefined : await registry.findServiceProvider(justificatif.clientId);
      if (justificatif === undefined || sp?.organisation_id !== agent.organisationId) {
        await journal.append({
          type: 'agent.foreign_access',
          actor: actorOf(agent),
          organisationId: agent.organisationId,
          subject: `reference:${reference}`,
          data: { reading },
        });
        throw new AppError('HTTP-404', `justificatif ${reference} hors de l’organisation ou inconnu`);
      }
      const opened = await justificatifs.open(justificatif);
      await journal.append({
        type: reading,
        actor: actorOf(agent),
        organisationId: agent.organisationId,
        subject: `justificatif:${justificatif.id}`,
        data: { reference: justificatif.reference },
      });
      return { justificatif, procedure: sp.procedure_name, organisation: sp.organisation_name, opened };
    },

    team: (agent: AgentSession) => listAgents(db, agent.organisationId),

    /** An administrator authorises an address for the organisation; an address already there is left as it is. */
    async addMember(agent: AgentSession, member: { email: string; role: AgentSession['role'] }): Promise<void> {
      if ((await findAgent(db, agent.organisationId, member.email)) !== undefined) return;
      const id = randomUUID();
      await insertAgent(db, {
        id,
        email: member.email.toLowerCase(),
        organisation_id: agent.organisationId,
        role: member.role,
        proconnect_sub: null,
        created_at: now(),
      });
      await journal.append({
        type: 'operator.action',
        actor: actorOf(agent),
        organisationId: agent.organisationId,
        subject: `agent:${id}`,
        data: { action: 'agent ajouté', role: member.role },
      });
    },

    async removeMember(agent: AgentSession, memberId: string): Promise<void> {
      if (memberId === agent.id) throw new AppError('HTTP-400', 'un administrateur ne se retire pas lui-même');
      const result = await deleteAgent(db, agent.organisationId, memberId);
      if (Number(result.numDeletedRows) > 0) {
        await journal.append({
          type: 'operator.action',
          actor: actorOf(agent),
          organisationId: agent.organisationId,
          subject: `agent:${memberId}`,
          data: { action: 'agent retiré' },
        });
      }
    },

    /**
     * The organisation's part of the journal, newest first. A citizen's FranceConnect subject is the same for every
     * organisation: shown as it is, two organisations could tell they serve the same person, which the pairwise
     * subjects given to services exist to prevent. Administrators read a pseudonym of their own instead.
     */
    async journal(agent: AgentSession, page: number) {
      const entries = await entriesOfOrganisation(db, agent.organisationId, page, JOURNAL_PAGE_SIZE);
      return entries.map((entry) => ({
        ...entry,
        actor: entry.actor.startsWith('citizen:')
          ? `usager ${citizenOfOrganisation(agent.organisationId, entry.actor.slice('citizen:'.length))}`
          : entry.actor,
      }));
    },
  };
}

export type AgentSpace = ReturnType<typeof createAgentSpace>;
