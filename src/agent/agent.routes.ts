import express, { type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { requireCsrfToken, requireSameOriginForm } from '../http/csrf.js';
import { renderError } from '../http/error-handler.js';
import { formRateLimit } from '../http/form-rate-limit.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { completeSignOut, type SignOutOptions, startSignOut } from '../oidc-client/sign-out.controller.js';
import { findAgentById } from '../registry/agent.repository.js';
import { type AgentControllerDependencies, agentController } from './agent.controller.js';
import type { AgentSpace } from './agent-space.js';

const formBody = express.urlencoded({ extended: false, limit: '8kb' });

/**
 * Signed-in agents only; others are sent to the agents' sign-in page. The agent is read again from the organisation's
 * list on each request: sessions roll on with activity, so an agent removed, or given another role, must be so at once.
 */
export const requireAgent =
  (db: Kysely<Database>): RequestHandler =>
  async (req, res, next) => {
    const agent = req.session.agent;
    if (agent === undefined) return res.redirect(303, '/agents/connexion');
    const current = await findAgentById(db, agent.organisationId, agent.id);
    if (current === undefined) {
      delete req.session.agent;
      return res.redirect(303, '/agents/connexion?acces=retire');
    }
    agent.role = current.role;
    agent.authorisedAt = current.created_at;
    res.locals.dailyDigest = current.daily_digest === 1;
    next();
  };

/** Pages show in their header how many justificatifs the agent has not opened yet. */
const withUnreadCount =
  (space: AgentSpace): RequestHandler =>
  async (req, res, next) => {
    if (req.session.agent !== undefined) res.locals.unread = await space.unreadCount(req.session.agent);
    next();
  };

/** Administrators only: they manage the organisation's agents and read its part of the journal. */
export const requireAdministrator: RequestHandler = (req, res, next) =>
  req.session.agent?.role === 'administrateur' ? next() : renderError(res, 'AGENT-002');

export function agentRoutes(
  dependencies: AgentControllerDependencies & { db: Kysely<Database>; cookieName: string; formRateLimitPerMinute: number },
) {
  const c = agentController(dependencies);
  const signOut: SignOutOptions = {
    service: dependencies.proconnect,
    idTokenOf: (req) => req.session.agent?.idToken,
    stateKey: 'agentSignOut',
    cookieName: dependencies.cookieName,
    home: '/agents/connexion',
  };
  const limit = formRateLimit(dependencies.formRateLimitPerMinute);
  const agent = [requireAgent(dependencies.db), withUnreadCount(dependencies.space)];
  const admin = [...agent, requireAdministrator];
  const form = [formBody, requireCsrfToken];
  const routes: Route[] = [
    { method: 'get', path: '/agents', guards: [], handler: (_req, res) => res.redirect(303, '/agents/justificatifs') },
    { method: 'get', path: '/agents/connexion', guards: [], handler: c.showSignIn },
    { method: 'post', path: '/agents/connexion/proconnect', guards: [limit, formBody, requireSameOriginForm], handler: c.startSignIn },
    { method: 'get', path: '/agents/connexion/callback', guards: [limit], handler: c.completeSignIn },
    { method: 'post', path: '/agents/deconnexion', guards: [formBody, requireCsrfToken], handler: startSignOut(signOut) },
    { method: 'get', path: '/agents/deconnexion/callback', guards: [], handler: completeSignOut(signOut) },
    { method: 'get', path: '/agents/justificatifs', guards: agent, handler: c.list },
    // Before /:reference, which would otherwise take « export.csv » for a number.
    { method: 'get', path: '/agents/justificatifs/export.csv', guards: agent, handler: c.exportList },
    { method: 'get', path: '/agents/justificatifs/:reference', guards: agent, handler: c.detail },
    { method: 'get', path: '/agents/justificatifs/:reference/impression', guards: agent, handler: c.print },
    { method: 'get', path: '/agents/notifications', guards: agent, handler: c.showNotifications },
    { method: 'post', path: '/agents/notifications', guards: [...agent, ...form], handler: c.saveNotifications },
    { method: 'get', path: '/agents/tableau-de-bord', guards: admin, handler: c.dashboard },
    { method: 'get', path: '/agents/equipe', guards: admin, handler: c.team },
    { method: 'post', path: '/agents/equipe', guards: [...admin, ...form], handler: c.addTeamMember },
    { method: 'post', path: '/agents/equipe/:id/retrait', guards: [...admin, ...form], handler: c.removeTeamMember },
    { method: 'get', path: '/agents/equipe/:id/role', guards: admin, handler: c.confirmRoleChange },
    { method: 'post', path: '/agents/equipe/:id/role', guards: [...admin, ...form], handler: c.changeRole },
    { method: 'get', path: '/agents/journal', guards: admin, handler: c.journal },
    { method: 'get', path: '/agents/journal/export.csv', guards: admin, handler: c.exportJournal },
  ];
  return routerFrom(routes);
}
