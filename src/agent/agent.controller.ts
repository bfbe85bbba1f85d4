import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { titleOf } from '../catalogue/catalogue.js';
import { renderError } from '../http/error-handler.js';
import { startSignedInSession } from '../http/session.js';
import { LIST_PAGE_SIZE } from '../justificatif/justificatifs.js';
import { normaliseReference } from '../justificatif/reference.js';
import { frenchDate, frenchDateTime } from '../wording/dates.fr.js';
import { JUSTIFICATIF_STATE_TEXTS } from '../wording/labels.fr.js';
import { displayData } from '../wording/values.fr.js';
import type { AgentSpace } from './agent-space.js';
import { JOURNAL_PAGE_SIZE } from './agent-space.js';
import type { ProConnectService } from './proconnect.service.js';

export interface AgentControllerDependencies {
  space: AgentSpace;
  proconnect: ProConnectService;
  publicUrl: string;
}

const agentOf = (req: Request) => {
  const agent = req.session.agent;
  if (agent === undefined) throw new Error('agent absent malgré la garde');
  return agent;
};

const STATES = Object.keys(JUSTIFICATIF_STATE_TEXTS) as Array<keyof typeof JUSTIFICATIF_STATE_TEXTS>;
const page = z.coerce.number().int().min(1).max(10_000).catch(1);
const listQuery = z.object({
  du: z.iso.date().optional().catch(undefined),
  au: z.iso.date().optional().catch(undefined),
  // A procedure's name as the select offers it: no control characters, no novel.
  demarche: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[^\p{Cc}]+$/u)
    .optional()
    .catch(undefined),
  statut: z.enum(STATES).optional().catch(undefined),
  page,
});

const teamForm = z.object({
  email: z.email('Saisissez une adresse électronique. Exemple : prenom.nom@mairie.fr'),
  role: z.enum(['lecteur', 'administrateur'], 'Choisissez le rôle de l’agent : lecteur ou administrateur.'),
});

export function agentController({ space, proconnect, publicUrl }: AgentControllerDependencies) {
  /** What the detail and print pages show of a justificatif read by an agent. */
  const readingView = async (req: Request, reading: 'agent.view' | 'agent.print') => {
    const { justificatif, procedure, organisation, opened } = await space.read(
      agentOf(req),
      normaliseReference(String(req.params.reference)),
      reading,
    );
    return {
      opened,
      reference: justificatif.reference,
      procedure,
      organisation,
      issuedAt: frenchDate(justificatif.issuedAt),
      retentionUntil: frenchDate(justificatif.retentionUntil),
      withdrawnOn: justificatif.withdrawnAt === null ? undefined : frenchDate(justificatif.withdrawnAt),
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

    /** Back from ProConnect: the space decides who gets in; the session starts anew for them. */
    completeSignIn: (async (req, res) => {
      const pending = req.session.proconnect;
      delete req.session.proconnect;
      const { identity, idToken } = await proconnect.complete(req.originalUrl.split('?')[1] ?? '', pending);
      const agent = await space.signIn(identity, idToken);
      await startSignedInSession(req);
      req.session.agent = agent;
      res.redirect(303, pending?.returnTo ?? '/agents/justificatifs');
    }) satisfies RequestHandler,

    /** The organisation's justificatifs, newest first, filtered as asked. */
    list: (async (req, res) => {
      const { page: current, ...query } = listQuery.parse(req.query);
      const { rows, total, procedures } = await space.list(agentOf(req), query, current);
      const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
      res.render('agents/justificatifs.njk', {
        rows: rows.map(({ justificatif, procedure, state }) => ({
          reference: justificatif.reference,
          procedure_name: procedure,
          issued: frenchDate(justificatif.issuedAt),
          retention: frenchDate(justificatif.retentionUntil),
          state,
          stateText: JUSTIFICATIF_STATE_TEXTS[state],
        })),
        states: Object.entries(JUSTIFICATIF_STATE_TEXTS).map(([value, text]) => ({ value, label: text.label })),
        total,
        page: current,
        pages: Math.max(1, Math.ceil(total / LIST_PAGE_SIZE)),
        pageLink: (target: number) => `/agents/justificatifs?${new URLSearchParams([...params, ['page', String(target)]])}`,
        filters: { du: query.du ?? '', au: query.au ?? '', demarche: query.demarche ?? '', statut: query.statut ?? '' },
        procedures,
      });
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      res.render('agents/justificatif.njk', { ...(await readingView(req, 'agent.view')), viewedAt: frenchDateTime(Date.now()) });
    }) satisfies RequestHandler,

    print: (async (req, res) => {
      res.render('agents/impression.njk', {
        ...(await readingView(req, 'agent.print')),
        printedAt: frenchDateTime(Date.now()),
        verifyUrl: `${publicUrl}/verifier`,
      });
    }) satisfies RequestHandler,

    team: (async (req, res) => {
      res.render('agents/equipe.njk', { agents: await space.team(agentOf(req)), errors: {}, values: {} });
    }) satisfies RequestHandler,

    addTeamMember: (async (req, res) => {
      const agent = agentOf(req);
      const form = teamForm.safeParse(req.body);
      if (!form.success) {
        const errors = Object.fromEntries(form.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
        res.status(400).render('agents/equipe.njk', { agents: await space.team(agent), errors, values: req.body });
        return;
      }
      await space.addMember(agent, form.data);
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    removeTeamMember: (async (req, res) => {
      await space.removeMember(agentOf(req), String(req.params.id));
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    /** The organisation's part of the journal, newest first. */
    journal: (async (req, res) => {
      const current = page.parse(req.query.page);
      const entries = await space.journal(agentOf(req), current);
      res.render('agents/journal.njk', {
        entries: entries.map((entry) => ({ ...entry, when: frenchDateTime(entry.at, { seconds: true }) })),
        page: current,
        hasMore: entries.length === JOURNAL_PAGE_SIZE,
      });
    }) satisfies RequestHandler,

    notAdministrator: ((_req, res) => renderError(res, 'AGENT-002')) satisfies RequestHandler,
  };
}
