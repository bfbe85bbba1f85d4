import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { titleOf } from '../catalogue/catalogue.js';
import type { Database } from '../db/schema.js';
import { displayData, frenchDate } from '../wording/values.fr.js';
import type { Gateway } from '../gateway/gateway.service.js';
import { normaliseReference } from '../justificatif/reference.js';
import { renderError } from '../http/error-handler.js';
import { AppError } from '../http/errors.js';
import { regenerateSession } from '../http/session.js';
import type { Journal } from '../journal/journal.js';
import { deleteAgent, findAgent, findAuthorisations, insertAgent, listAgents, recordProConnectSub } from '../registry/agent.repository.js';
import {
  countJustificatifs,
  findByReference,
  type JustificatifFilters,
  listJustificatifs,
  listProcedures,
  PAGE_SIZE,
} from './agent-justificatif.repository.js';
import { actorForOrganisation } from './journal-actor.js';
import type { ProConnectService } from './proconnect.service.js';

export interface AgentDependencies {
  db: Kysely<Database>;
  proconnect: ProConnectService;
  gateway: Gateway;
  journal: Journal;
  publicUrl: string;
  /** Keys the pseudonyms under which administrators see citizens in their journal. */
  pseudonymSecret: string;
}

const agentOf = (req: Request) => {
  const agent = req.session.agent;
  if (agent === undefined) throw new Error('agent absent malgré la garde');
  return agent;
};
const actorOf = (req: Request) => `agent:${agentOf(req).id}`;

const day = z.iso.date().transform((value) => Date.parse(`${value}T00:00:00Z`));
const filtersQuery = z.object({
  du: day.optional().catch(undefined),
  au: day.optional().catch(undefined),
  demarche: z.string().trim().min(1).max(200).optional().catch(undefined),
  statut: z.enum(['complet', 'partiel', 'expire', 'retire']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});

const teamForm = z.object({
  email: z.email('Saisissez une adresse électronique. Exemple : prenom.nom@mairie.fr'),
  role: z.enum(['lecteur', 'administrateur'], 'Choisissez le rôle de l’agent : lecteur ou administrateur.'),
});

export function agentController({ db, proconnect, gateway, journal, publicUrl, pseudonymSecret }: AgentDependencies) {
  /** The organisation's justificatif by its number, or a 404 recorded as a refused access, whatever the reason. */
  const loadJustificatif = async (req: Request) => {
    const agent = agentOf(req);
    const reference = normaliseReference(String(req.params.reference));
    const row = await findByReference(db, reference);
    if (row === undefined || row.organisation_id !== agent.organisationId) {
      await journal.append({
        type: 'agent.foreign_access',
        actor: actorOf(req),
        organisationId: agent.organisationId,
        subject: `reference:${reference}`,
        data: { path: req.path },
      });
      throw new AppError('HTTP-404', `justificatif ${reference} hors de l’organisation ou inconnu`);
    }
    return row;
  };

  const detailView = async (req: Request) => {
    const row = await loadJustificatif(req);
    const opened = await gateway.open(row);
    return {
      row,
      opened,
      reference: row.reference,
      procedure: row.procedure_name,
      organisation: row.organisation_name,
      issuedAt: frenchDate(new Date(row.issued_at).toISOString()),
      retentionUntil: frenchDate(new Date(row.retention_until).toISOString()),
      withdrawnOn: row.withdrawn_at === null ? undefined : frenchDate(new Date(row.withdrawn_at).toISOString()),
      elements:
        opened.state === 'valid'
          ? opened.document.elements.map((element) => ({
              ...element,
              // Justificatifs issued before items had a third-person title still say « Votre … »: agents read today's name.
              libelle: titleOf(element.scope, element.libelle),
              rows: displayData(element.donnees),
              obtenu: frenchDate(element.obtenu_le),
            }))
          : [],
    };
  };

  return {
    showSignIn: ((req, res) => {
      if (req.session.agent !== undefined) return res.redirect(303, '/agents/justificatifs');
      res.render('agents/connexion.njk', { signedOut: req.query.deconnexion === 'ok', removed: req.query.acces === 'retire' });
    }) satisfies RequestHandler,

    startSignIn: (async (req, res) => {
      const { url, pending } = await proconnect.start('/agents/justificatifs');
      req.session.proconnect = pending;
      res.redirect(303, url.href);
    }) satisfies RequestHandler,

    /** Back from ProConnect: only agents the operator authorised get in; any other attempt is recorded. */
    completeSignIn: (async (req, res) => {
      const pending = req.session.proconnect;
      delete req.session.proconnect;
      const { identity, idToken } = await proconnect.complete(req.originalUrl.split('?')[1] ?? '', pending);
      const authorisations = await findAuthorisations(db, identity.email);
      const chosen = authorisations.find((a) => a.organisation_siret === identity.siret) ?? authorisations[0];
      if (chosen === undefined) {
        await journal.append({ type: 'agent.denied', actor: `proconnect:${identity.sub}`, data: { email: identity.email, siret: identity.siret } });
        throw new AppError('AGENT-001', `agent non habilité : ${identity.email}`);
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
        throw new AppError('AGENT-003', `compte ProConnect différent de celui enregistré pour ${identity.email}`);
      }
      if (chosen.proconnect_sub === null) await recordProConnectSub(db, chosen.id, identity.sub);
      await regenerateSession(req);
      req.session.agent = {
        id: chosen.id,
        email: identity.email,
        givenName: identity.givenName,
        usualName: identity.usualName,
        organisationId: chosen.organisation_id,
        organisationName: chosen.organisation_name,
        role: chosen.role,
        idToken,
      };
      await journal.append({
        type: 'agent.signed_in',
        actor: `agent:${chosen.id}`,
        organisationId: chosen.organisation_id,
        data: { role: chosen.role },
      });
      res.redirect(303, pending?.returnTo ?? '/agents/justificatifs');
    }) satisfies RequestHandler,

    /** The organisation's justificatifs, newest first; a filtered list is a search, and is recorded. */
    list: (async (req, res) => {
      const agent = agentOf(req);
      const query = filtersQuery.parse(req.query);
      const filters: JustificatifFilters = {
        from: query.du,
        to: query.au === undefined ? undefined : query.au + 24 * 60 * 60 * 1000,
        procedure: query.demarche,
        status: query.statut,
      };
      const searched = Object.values(filters).some((value) => value !== undefined);
      if (searched)
        await journal.append({
          type: 'agent.search',
          actor: actorOf(req),
          organisationId: agent.organisationId,
          data: { filters: { ...req.query } },
        });
      const [rows, total, procedures] = await Promise.all([
        listJustificatifs(db, agent.organisationId, filters, query.page),
        countJustificatifs(db, agent.organisationId, filters),
        listProcedures(db, agent.organisationId),
      ]);
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const params = new URLSearchParams(
        Object.entries(req.query).filter(([key, value]) => key !== 'page' && typeof value === 'string' && value !== '') as Array<[string, string]>,
      );
      res.render('agents/justificatifs.njk', {
        rows: rows.map((row) => ({
          ...row,
          issued: frenchDate(new Date(row.issued_at).toISOString()),
          retention: frenchDate(new Date(row.retention_until).toISOString()),
          state: row.withdrawn_at !== null ? 'retire' : row.purged_at !== null ? 'expire' : row.complete === 1 ? 'complet' : 'partiel',
        })),
        total,
        page: query.page,
        pages,
        pageLink: (page: number) => `/agents/justificatifs?${new URLSearchParams([...params, ['page', String(page)]])}`,
        filters: { du: req.query.du ?? '', au: req.query.au ?? '', demarche: query.demarche ?? '', statut: query.statut ?? '' },
        procedures: procedures.map((p) => p.procedure_name),
      });
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      const view = await detailView(req);
      const agent = agentOf(req);
      await journal.append({
        type: 'agent.view',
        actor: actorOf(req),
        organisationId: agent.organisationId,
        subject: `justificatif:${view.row.id}`,
        data: { reference: view.reference },
      });
      res.render('agents/justificatif.njk', {
        ...view,
        viewedAt: new Date().toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }),
      });
    }) satisfies RequestHandler,

    print: (async (req, res) => {
      const view = await detailView(req);
      const agent = agentOf(req);
      await journal.append({
        type: 'agent.print',
        actor: actorOf(req),
        organisationId: agent.organisationId,
        subject: `justificatif:${view.row.id}`,
        data: { reference: view.reference },
      });
      res.render('agents/impression.njk', {
        ...view,
        printedAt: new Date().toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }),
        verifyUrl: `${publicUrl}/verifier`,
      });
    }) satisfies RequestHandler,

    team: (async (req, res) => {
      const agent = agentOf(req);
      res.render('agents/equipe.njk', { agents: await listAgents(db, agent.organisationId), errors: {}, values: {} });
    }) satisfies RequestHandler,

    addTeamMember: (async (req, res) => {
      const agent = agentOf(req);
      const form = teamForm.safeParse(req.body);
      if (!form.success) {
        const errors = Object.fromEntries(form.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
        res.status(400).render('agents/equipe.njk', { agents: await listAgents(db, agent.organisationId), errors, values: req.body });
        return;
      }
      if ((await findAgent(db, agent.organisationId, form.data.email)) === undefined) {
        const id = randomUUID();
        await insertAgent(db, {
          id,
          email: form.data.email.toLowerCase(),
          organisation_id: agent.organisationId,
          role: form.data.role,
          proconnect_sub: null,
          created_at: Date.now(),
        });
        await journal.append({
          type: 'operator.action',
          actor: actorOf(req),
          organisationId: agent.organisationId,
          subject: `agent:${id}`,
          data: { action: 'agent ajouté', role: form.data.role },
        });
      }
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    removeTeamMember: (async (req, res) => {
      const agent = agentOf(req);
      const id = String(req.params.id);
      if (id === agent.id) throw new AppError('HTTP-400', 'un administrateur ne se retire pas lui-même');
      const result = await deleteAgent(db, agent.organisationId, id);
      if (Number(result.numDeletedRows) > 0)
        await journal.append({
          type: 'operator.action',
          actor: actorOf(req),
          organisationId: agent.organisationId,
          subject: `agent:${id}`,
          data: { action: 'agent retiré' },
        });
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    /** The organisation's part of the journal, newest first. */
    journal: (async (req, res) => {
      const agent = agentOf(req);
      const page = z.coerce.number().int().min(1).max(10_000).catch(1).parse(req.query.page);
      const entries = await db
        .selectFrom('journal_entry')
        .selectAll()
        .where('organisation_id', '=', agent.organisationId)
        .orderBy('seq', 'desc')
        .limit(50)
        .offset((page - 1) * 50)
        .execute();
      res.render('agents/journal.njk', {
        entries: entries.map((entry) => ({
          ...entry,
          actor: actorForOrganisation(entry.actor, agent.organisationId, pseudonymSecret),
          when: new Date(entry.at).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }),
        })),
        page,
      });
    }) satisfies RequestHandler,

    notAdministrator: ((_req, res) => renderError(res, 'AGENT-002')) satisfies RequestHandler,
  };
}
