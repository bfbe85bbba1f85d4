import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockUntilCommit } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Journal, JournalEventType } from '../journal/journal.js';
import { entriesOfOrganisation, type OrganisationJournalFilters } from '../journal/journal-reader.js';
import type {
  AgentListState,
  Justificatif,
  JustificatifSearch,
  Justificatifs,
  ListedJustificatif,
  OpenedJustificatif,
} from '../justificatif/justificatifs.js';
import { parsePersonSearch } from '../justificatif/search-terms.js';
import {
  deleteAgent,
  findAgent,
  findAuthorisations,
  insertAgent,
  listAgents,
  recordSignIn,
  setDailyDigest,
  setRole,
} from '../registry/agent.repository.js';
import type { Registry } from '../registry/registry.service.js';
import { parisMidnight } from '../wording/dates.fr.js';
import type { AgentSession } from './agent-session.js';
import type { AgentIdentity } from './proconnect.service.js';

export const JOURNAL_PAGE_SIZE = 50;
/** The most entries one journal export holds; narrower filters give the rest. */
export const JOURNAL_EXPORT_MAX_ROWS = 50_000;

/** A search of the organisation's justificatifs, as the agent typed it once validated. */
export interface ListQuery {
  /** A name, a birth date or a justificatif's number, as typed (justificatif/search-terms.ts reads it). */
  recherche?: string;
  /** First and last day, YYYY-MM-DD, both included. */
  du?: string;
  au?: string;
  demarche?: string;
  statut?: AgentListState;
  nonlus?: true;
}

/** The journal's filters, as an administrator chose them once validated. */
export interface JournalQuery {
  du?: string;
  au?: string;
  evenement?: JournalEventType;
  agent?: string;
}

/** A role change's outcome: done, nothing to do, or refused because the organisation would have no administrator. */
export type RoleChange = 'changed' | 'unchanged' | 'last-administrator';

export interface AgentSpaceDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'serviceProvidersOf' | 'findServiceProvider'>;
  justificatifs: Pick<Justificatifs, 'find' | 'open' | 'list' | 'listForExport' | 'unreadCount' | 'markRead' | 'referencesOf'>;
  journal: Journal;
  /** The pseudonym under which an organisation's administrators see a citizen. */
  citizenOfOrganisation: (organisationId: string, citizenSub: string) => string;
  now?: () => number;
}

const actorOf = (agent: Pick<AgentSession, 'id'>) => `agent:${agent.id}`;

const parseData = (data: string): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(data);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
};

/** Days as the pages show them: Paris days, the last one included. */
const periodOf = (query: { du?: string; au?: string }) => ({
  from: query.du === undefined ? undefined : parisMidnight(query.du),
  to: query.au === undefined ? undefined : parisMidnight(query.au, 1),
});

const journalFiltersOf = (query: JournalQuery): OrganisationJournalFilters => ({
  ...periodOf(query),
  type: query.evenement,
  actor: query.agent === undefined ? undefined : `agent:${query.agent}`,
});

/**
 * What the journal keeps of a search: what was searched once read (the words of a name, a birth date, a number), not
 * whatever the address carried. A procedure the organisation does not have (only a hand-made address has one) is
 * recorded as unknown.
 */
function journaledFilters(query: ListQuery, procedures: Map<string, string>) {
  const { recherche, ...rest } = query;
  const person = recherche === undefined ? undefined : parsePersonSearch(recherche);
  const known = query.demarche === undefined || [...procedures.values()].includes(query.demarche);
  return {
    ...rest,
    demarche: known ? query.demarche : '(démarche inconnue)',
    ...(person === undefined
      ? {}
      : 'reference' in person
        ? { numero: person.reference }
        : { ...(person.words.length > 0 ? { nom: person.words } : {}), naissance: person.birthDate }),
  };
}

/** List rows with what the pages add to them: the procedure of their service, their state in the list's words. */
const described = (rows: ListedJustificatif[], procedures: Map<string, string>) =>
  rows.map((row) => ({ ...row, procedure: procedures.get(row.justificatif.clientId) ?? '', state: listStateOf(row.justificatif) }));

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
  /** An agent's list query as a search of their organisation's justificatifs; recorded as `recorded` when filtered. */
  const searchOf = async (agent: AgentSession, query: ListQuery, recorded: 'agent.search' | undefined) => {
    const serviceProviders = await registry.serviceProvidersOf(agent.organisationId);
    const procedures = new Map(serviceProviders.map((sp) => [sp.client_id, sp.procedure_name]));
    const chosen = query.demarche === undefined ? serviceProviders : serviceProviders.filter((sp) => sp.procedure_name === query.demarche);
    if (recorded !== undefined && Object.values(query).some((value) => value !== undefined))
      await journal.append({
        type: recorded,
        actor: actorOf(agent),
        organisationId: agent.organisationId,
        data: { filters: journaledFilters(query, procedures) },
      });
    const search: JustificatifSearch = {
      clientIds: chosen.map((sp) => sp.client_id),
      ...periodOf(query),
      state: query.statut,
      person: query.recherche === undefined ? undefined : parsePersonSearch(query.recherche),
      reader: { agentId: agent.id, since: agent.authorisedAt, onlyUnread: query.nonlus === true },
    };
    return { search, procedures };
  };

  const readJournal = async (agent: AgentSession, query: JournalQuery, page: number, pageSize = JOURNAL_PAGE_SIZE) => {
    const { entries, total } = await entriesOfOrganisation(db, agent.organisationId, journalFiltersOf(query), page, pageSize);
    const parsed = entries.map((entry) => ({ ...entry, data: parseData(entry.data) }));
    const justificatifIds = parsed.flatMap((entry) => [
      ...(entry.subject?.startsWith('justificatif:') ? [entry.subject.slice('justificatif:'.length)] : []),
      ...(typeof entry.data.justificatifId === 'string' ? [entry.data.justificatifId] : []),
    ]);
    const [references, team] = await Promise.all([justificatifs.referencesOf(justificatifIds), listAgents(db, agent.organisationId)]);
    return {
      entries: parsed.map((entry) => ({
        ...entry,
        actor: entry.actor.startsWith('citizen:')
          ? `citizen:${citizenOfOrganisation(agent.organisationId, entry.actor.slice('citizen:'.length))}`
          : entry.actor,
      })),
      total,
      references,
      team,
    };
  };

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
      await recordSignIn(db, chosen.id, { sub: identity.sub, givenName: identity.givenName, usualName: identity.usualName, at: now() });
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
        authorisedAt: chosen.created_at,
        idToken,
      };
    },

    /** One page of the organisation's justificatifs, newest first; a filtered list is a search, and is recorded. */
    async list(agent: AgentSession, query: ListQuery, page: number) {
      const { search, procedures } = await searchOf(agent, query, 'agent.search');
      const { rows, total } = await justificatifs.list(search, page);
      return { rows: described(rows, procedures), total, procedures: [...new Set(procedures.values())] };
    },

    /** Every row of a search for a CSV file; the export is recorded with its filters and how many rows it held. */
    async exportList(agent: AgentSession, query: ListQuery) {
      const { search, procedures } = await searchOf(agent, query, undefined);
      const { rows, total } = await justificatifs.listForExport(search);
      await journal.append({
        type: 'agent.export',
        actor: actorOf(agent),
        organisationId: agent.organisationId,
        data: { filters: journaledFilters(query, procedures), rows: rows.length, total },
      });
      return { rows: described(rows, procedures), total };
    },

    /** How many justificatifs arrived since the agent was authorised that they have not opened. */
    async unreadCount(agent: AgentSession): Promise<number> {
      const serviceProviders = await registry.serviceProvidersOf(agent.organisationId);
      return justificatifs.unreadCount({ clientIds: serviceProviders.map((sp) => sp.client_id) }, { agentId: agent.id, since: agent.authorisedAt });
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
      await justificatifs.markRead(justificatif, agent.id);
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

    /** An administrator removes a colleague; never themselves, so the organisation keeps an administrator. */
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
     * Reader ↔ administrator. The change and the count of administrators are read in one transaction, locked, so that
     * two administrators demoting each other at once cannot leave the organisation with none.
     */
    async changeRole(agent: AgentSession, memberId: string, role: AgentSession['role']): Promise<RoleChange> {
      return db.transaction().execute(async (trx) => {
        await lockUntilCommit(trx, 'team');
        const members = await listAgents(trx, agent.organisationId);
        const member = members.find((candidate) => candidate.id === memberId);
        if (member === undefined) throw new AppError('HTTP-404', 'agent hors de l’organisation ou inconnu');
        if (member.role === role) return 'unchanged';
        if (role === 'lecteur' && members.filter((candidate) => candidate.role === 'administrateur').length <= 1) return 'last-administrator';
        await setRole(trx, agent.organisationId, memberId, role);
        await journal.append(
          {
            type: 'agent.role_changed',
            actor: actorOf(agent),
            organisationId: agent.organisationId,
            subject: `agent:${memberId}`,
            data: { from: member.role, to: role },
          },
          trx,
        );
        return 'changed';
      });
    },

    /** The agent's own choice of a daily e-mail listing what arrived. */
    setDailyDigest: (agent: AgentSession, wanted: boolean) => setDailyDigest(db, agent.organisationId, agent.id, wanted),

    /**
     * The organisation's part of the journal, newest first, with what its pages name entries by: the organisation's
     * agents, and the printed numbers of its justificatifs. A citizen's FranceConnect subject is the same for every
     * organisation: shown as it is, two organisations could tell they serve the same person, which the pairwise
     * subjects given to services exist to prevent. Administrators read a pseudonym of their own instead.
     */
    journal: (agent: AgentSession, query: JournalQuery, page: number) => readJournal(agent, query, page),

    /** Every entry the filters select, for a CSV file; the export itself is recorded. */
    async exportJournal(agent: AgentSession, query: JournalQuery) {
      const journalPage = await readJournal(agent, query, 1, JOURNAL_EXPORT_MAX_ROWS);
      await journal.append({
        type: 'journal.export',
        actor: actorOf(agent),
        organisationId: agent.organisationId,
        data: { filters: query, rows: journalPage.entries.length, total: journalPage.total },
      });
      return journalPage;
    },
  };
}

export type AgentSpace = ReturnType<typeof createAgentSpace>;
