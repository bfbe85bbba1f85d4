import type { Request, RequestHandler } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { titleOf } from '../catalogue/catalogue.js';
import { csvOf, sendCsv } from '../http/csv.js';
import { renderError } from '../http/error-handler.js';
import { startSignedInSession } from '../http/session.js';
import { LIST_PAGE_SIZE } from '../justificatif/justificatifs.js';
import { fullNameOf } from '../justificatif/person.js';
import { normaliseReference } from '../justificatif/reference.js';
import { frenchDate, frenchDateTime, numericDate, parisDay } from '../wording/dates.fr.js';
import { JOURNAL_EVENT_TEXTS, JUSTIFICATIF_STATE_TEXTS } from '../wording/labels.fr.js';
import { displayData } from '../wording/values.fr.js';
import type { AgentSpace, JournalQuery, ListQuery } from './agent-space.js';
import { JOURNAL_PAGE_SIZE } from './agent-space.js';
import type { Dashboard } from './dashboard.js';
import { DASHBOARD_PERIOD, dashboardView } from './dashboard.view-model.js';
import { journalRows, memberName } from './journal.view-model.js';
import type { ProConnectService } from './proconnect.service.js';

export interface AgentControllerDependencies {
  space: AgentSpace;
  dashboard: Dashboard;
  proconnect: ProConnectService;
  publicUrl: string;
}

const agentOf = (req: Request) => {
  const agent = req.session.agent;
  if (agent === undefined) throw new Error('agent absent malgré la garde');
  return agent;
};

const STATES = Object.keys(JUSTIFICATIF_STATE_TEXTS) as Array<keyof typeof JUSTIFICATIF_STATE_TEXTS>;
const EVENT_TYPES = Object.keys(JOURNAL_EVENT_TEXTS) as Array<keyof typeof JOURNAL_EVENT_TEXTS>;
const ROLE_TEXTS = { lecteur: 'Lecteur', administrateur: 'Administrateur' } as const;

const page = z.coerce.number().int().min(1).max(10_000).catch(1);
// Free text as people type it: no control characters, no novel; an empty field is no filter.
const typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]+$/u)
    .optional()
    .catch(undefined);
const day = z.iso.date().optional().catch(undefined);
const listQuery = z.object({
  recherche: typed(120),
  du: day,
  au: day,
  demarche: typed(200),
  statut: z.enum(STATES).optional().catch(undefined),
  nonlus: z
    .literal('1')
    .transform(() => true as const)
    .optional()
    .catch(undefined),
  page,
});
const journalQuery = z.object({
  du: day,
  au: day,
  evenement: z.enum(EVENT_TYPES).optional().catch(undefined),
  agent: z.uuid().optional().catch(undefined),
  page,
});

const teamForm = z.object({
  email: z.email('Saisissez une adresse électronique. Exemple : prenom.nom@mairie.fr'),
  role: z.enum(['lecteur', 'administrateur'], 'Choisissez le rôle de l’agent : lecteur ou administrateur.'),
});
const roleForm = z.object({ role: z.enum(['lecteur', 'administrateur']) });
const digestForm = z.object({ quotidien: z.literal('1').optional() });

/** A query's chosen values as the address carries them: what pagination and export links repeat. */
const paramsOf = (query: object) =>
  new URLSearchParams(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, value === true ? '1' : String(value)]),
  );

export function agentController({ space, dashboard, proconnect, publicUrl }: AgentControllerDependencies) {
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
      person:
        opened.state === 'valid'
          ? { name: fullNameOf(opened.person), birthDate: opened.person.birthDate === undefined ? undefined : numericDate(opened.person.birthDate) }
          : undefined,
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

  /** A list row as the pages and the CSV file show it. */
  const rowOf = ({ justificatif, person, read, procedure, state }: Awaited<ReturnType<AgentSpace['list']>>['rows'][number]) => ({
    reference: justificatif.reference,
    name: person === undefined ? '' : fullNameOf(person),
    birthDate: person?.birthDate === undefined ? '' : numericDate(person.birthDate),
    procedure,
    issued: frenchDate(justificatif.issuedAt),
    issuedDay: numericDate(parisDay(justificatif.issuedAt)),
    retention: frenchDate(justificatif.retentionUntil),
    retentionDay: numericDate(parisDay(justificatif.retentionUntil)),
    state,
    stateText: JUSTIFICATIF_STATE_TEXTS[state],
    unread: !read,
    // Withdrawn or expired: the name went with the data. An active row without a name no longer decrypts.
    erased: justificatif.state !== 'active',
  });

  const renderTeam = async (
    req: Request,
    res: Parameters<RequestHandler>[1],
    extra: { errors?: Record<string, string>; values?: object; notice?: string; roleError?: string } = {},
  ) => {
    const agent = agentOf(req);
    const members = await space.team(agent);
    res
      .status(extra.roleError !== undefined ? 409 : extra.errors !== undefined && Object.keys(extra.errors).length > 0 ? 400 : 200)
      .render('agents/equipe.njk', {
        members: members.map((member) => ({
          id: member.id,
          name: memberName(member),
          email: member.email,
          role: member.role,
          roleText: ROLE_TEXTS[member.role],
          lastSignIn: member.last_signed_in_at === null ? 'Jamais connecté(e)' : frenchDateTime(member.last_signed_in_at),
          self: member.id === agent.id,
        })),
        errors: extra.errors ?? {},
        values: extra.values ?? {},
        notice: extra.notice,
        roleError: extra.roleError,
      });
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
      if (pending !== undefined && pending.returnTo !== '/agents/justificatifs') {
        // Signed in for the services' space or the instruction: each of them decides who may do what there.
        await startSignedInSession(req);
        req.session.proconnectAccount = { ...identity, idToken };
        return res.redirect(303, pending.returnTo);
      }
      const agent = await space.signIn(identity, idToken);
      await startSignedInSession(req);
      req.session.agent = agent;
      res.redirect(303, pending?.returnTo ?? '/agents/justificatifs');
    }) satisfies RequestHandler,

    /** The organisation's justificatifs, newest first, filtered as asked. */
    list: (async (req, res) => {
      const { page: current, ...query } = listQuery.parse(req.query) as ListQuery & { page: number };
      const { rows, total, procedures } = await space.list(agentOf(req), query, current);
      const params = paramsOf(query);
      res.render('agents/justificatifs.njk', {
        rows: rows.map(rowOf),
        states: Object.entries(JUSTIFICATIF_STATE_TEXTS).map(([value, text]) => ({ value, label: text.label })),
        total,
        page: current,
        pages: Math.max(1, Math.ceil(total / LIST_PAGE_SIZE)),
        pageLink: (target: number) => `/agents/justificatifs?${new URLSearchParams([...params, ['page', String(target)]])}`,
        exportLink: `/agents/justificatifs/export.csv${params.size > 0 ? `?${params}` : ''}`,
        filters: {
          recherche: query.recherche ?? '',
          du: query.du ?? '',
          au: query.au ?? '',
          demarche: query.demarche ?? '',
          statut: query.statut ?? '',
          nonlus: query.nonlus === true,
        },
        searched: params.size > 0,
        procedures,
      });
    }) satisfies RequestHandler,

    /** The filtered list as a CSV file: what a spreadsheet sorts, with the names the agent may already see. */
    exportList: (async (req, res) => {
      const { page: _ignored, ...query } = listQuery.parse(req.query) as ListQuery & { page: number };
      const { rows } = await space.exportList(agentOf(req), query);
      const csv = csvOf(
        ['Numéro', 'Reçu le', 'Nom', 'Date de naissance', 'Démarche', 'Contenu', 'Conservé jusqu’au'],
        rows.map(rowOf).map((row) => [row.reference, row.issuedDay, row.name, row.birthDate, row.procedure, row.stateText.label, row.retentionDay]),
      );
      sendCsv(res, `justificatifs-${parisDay(Date.now())}.csv`, csv);
    }) satisfies RequestHandler,

    detail: (async (req, res) => {
      res.render('agents/justificatif.njk', { ...(await readingView(req, 'agent.view')), viewedAt: frenchDateTime(Date.now()) });
    }) satisfies RequestHandler,

    /** The paper version: what the agent files, with a QR code that opens the number's /verifier page. */
    print: (async (req, res) => {
      const view = await readingView(req, 'agent.print');
      const verifyUrl = `${publicUrl}/verifier?numero=${encodeURIComponent(view.reference)}`;
      res.render('agents/impression.njk', {
        ...view,
        printedAt: frenchDateTime(Date.now()),
        verifyPage: `${publicUrl}/verifier`,
        qrCode: await QRCode.toString(verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      });
    }) satisfies RequestHandler,

    /** Administrators: each procedure's requests, API answers and events, from the journal. */
    dashboard: (async (req, res) => {
      const now = Date.now();
      res.render('agents/tableau-de-bord.njk', {
        period: DASHBOARD_PERIOD,
        procedures: (await dashboard(agentOf(req).organisationId)).map((procedure) => dashboardView(procedure, now)),
      });
    }) satisfies RequestHandler,

    team: (async (req, res) => renderTeam(req, res, { notice: typeof req.query.role === 'string' ? 'role' : undefined })) satisfies RequestHandler,

    addTeamMember: (async (req, res) => {
      const form = teamForm.safeParse(req.body);
      if (!form.success) {
        const errors = Object.fromEntries(form.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
        return renderTeam(req, res, { errors, values: req.body });
      }
      await space.addMember(agentOf(req), form.data);
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    removeTeamMember: (async (req, res) => {
      await space.removeMember(agentOf(req), String(req.params.id));
      res.redirect(303, '/agents/equipe');
    }) satisfies RequestHandler,

    /** The confirmation before a role changes: who, from what, to what, and what it allows. */
    confirmRoleChange: (async (req, res) => {
      const member = (await space.team(agentOf(req))).find((candidate) => candidate.id === req.params.id);
      if (member === undefined) return renderError(res, 'HTTP-404');
      const to = member.role === 'administrateur' ? 'lecteur' : 'administrateur';
      res.render('agents/role.njk', {
        member: { id: member.id, name: memberName(member), email: member.email, from: ROLE_TEXTS[member.role], to, toText: ROLE_TEXTS[to] },
      });
    }) satisfies RequestHandler,

    changeRole: (async (req, res) => {
      const agent = agentOf(req);
      const form = roleForm.safeParse(req.body);
      if (!form.success) return renderError(res, 'HTTP-400');
      const outcome = await space.changeRole(agent, String(req.params.id), form.data.role);
      if (outcome === 'last-administrator')
        return renderTeam(req, res, {
          roleError: 'Votre organisation doit garder au moins un administrateur : nommez-en un autre avant de changer ce rôle.',
        });
      // Administrators who made themselves readers leave the pages they may no longer see.
      res.redirect(303, req.params.id === agent.id && form.data.role === 'lecteur' ? '/agents/justificatifs' : '/agents/equipe?role=ok');
    }) satisfies RequestHandler,

    showNotifications: (async (req, res) => {
      res.render('agents/notifications.njk', { saved: req.query.enregistre === 'ok' });
    }) satisfies RequestHandler,

    saveNotifications: (async (req, res) => {
      const form = digestForm.safeParse(req.body);
      if (!form.success) return renderError(res, 'HTTP-400');
      await space.setDailyDigest(agentOf(req), form.data.quotidien === '1');
      res.redirect(303, '/agents/notifications?enregistre=ok');
    }) satisfies RequestHandler,

    /** The organisation's part of the journal, newest first, filtered as asked. */
    journal: (async (req, res) => {
      const { page: current, ...query } = journalQuery.parse(req.query) as JournalQuery & { page: number };
      const agent = agentOf(req);
      const journalPage = await space.journal(agent, query, current);
      const params = paramsOf(query);
      res.render('agents/journal.njk', {
        rows: journalRows(journalPage),
        total: journalPage.total,
        page: current,
        pages: Math.max(1, Math.ceil(journalPage.total / JOURNAL_PAGE_SIZE)),
        pageLink: (target: number) => `/agents/journal?${new URLSearchParams([...params, ['page', String(target)]])}`,
        exportLink: `/agents/journal/export.csv${params.size > 0 ? `?${params}` : ''}`,
        filters: { du: query.du ?? '', au: query.au ?? '', evenement: query.evenement ?? '', agent: query.agent ?? '' },
        events: Object.entries(JOURNAL_EVENT_TEXTS).map(([value, label]) => ({ value, label })),
        team: journalPage.team.map((member) => ({ value: member.id, label: memberName(member) })),
      });
    }) satisfies RequestHandler,

    exportJournal: (async (req, res) => {
      const { page: _ignored, ...query } = journalQuery.parse(req.query) as JournalQuery & { page: number };
      const rows = journalRows(await space.exportJournal(agentOf(req), query));
      const csv = csvOf(
        ['N°', 'Date', 'Événement', 'Auteur', 'Objet', 'Détail'],
        rows.map((row) => [row.seq, row.when, row.event, row.author, row.object, row.detail]),
      );
      sendCsv(res, `journal-${parisDay(Date.now())}.csv`, csv);
    }) satisfies RequestHandler,
  };
}
