import type { RequestHandler } from 'express';
import type { ServiceEnvironment } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { startSignedInSession } from '../http/session.js';
import { CANCELLED } from './citizen-session.js';
import type { FranceConnectService } from './franceconnect.service.js';

/** POST: a fresh state and nonce per attempt, kept in the session, then off to FranceConnect. */
export const startSignIn =
  (service: FranceConnectService): RequestHandler =>
  async (req, res) => {
    // The citizen space asks to come back to it; anything else returns home.
    const { url, pending } = await service.start((req.body as { retour?: unknown }).retour === '/mon-espace' ? '/mon-espace' : '/');
    req.session.franceconnect = pending;
    res.redirect(303, url.href);
  };

/** A service provider's request goes back to its page, which offers to return to the service; anything else home. */
const whereCancelledLeadsTo = (returnTo: string) => {
  const request = /^\/demande\/([^/]+)\/connexion$/.exec(returnTo);
  return request === null ? `/?connexion=${CANCELLED}` : `/demande/${request[1]}?connexion=${CANCELLED}`;
};

/**
 * GET from FranceConnect: the pending attempt is used once, whatever the outcome, by the FranceConnect it was started
 * with (production's, or the test platform's for a service in « bac à sable »); the citizen is signed in on that one.
 */
export const completeSignIn =
  (serviceOf: (environment: ServiceEnvironment | undefined) => FranceConnectService): RequestHandler =>
  async (req, res) => {
    const pending = req.session.franceconnect;
    delete req.session.franceconnect;
    const service = serviceOf(pending?.environment);
    // A failed sign-in inside a service provider's request retries from that request, not from home.
    if (pending !== undefined && pending.returnTo !== '/') res.locals.retryHref = pending.returnTo.replace(/\/connexion$/, '');
    let signedIn: Awaited<ReturnType<FranceConnectService['complete']>>;
    try {
      signedIn = await service.complete(req.originalUrl.split('?')[1] ?? '', pending);
    } catch (error) {
      // Cancelling at FranceConnect is a choice, not an error: back where the person came from, told so.
      if (!(error instanceof AppError && error.code === 'FC-001') || pending === undefined) throw error;
      req.log.info({ event: 'citizen.sign_in_cancelled' }, 'connexion annulée sur FranceConnect');
      return res.redirect(303, whereCancelledLeadsTo(pending.returnTo));
    }
    const { identity, idToken, accessToken } = signedIn;
    // A new session id at each sign-in; the same person signing in again (a token expired, a sign-in renewed) keeps
    // what they were doing: a request's preview, typed inputs, a decision not yet sent back.
    const { cookie: _cookie, citizen: _citizen, franceconnectToken: _token, startedAt: _startedAt, ...underWay } = req.session;
    const sameCitizen = req.session.citizen?.sub === identity.sub;
    await startSignedInSession(req);
    if (sameCitizen) Object.assign(req.session, underWay);
    req.session.citizen = { ...identity, idToken, signedInAt: Date.now(), environment: pending?.environment ?? 'production' };
    // Only a token that covers data scopes is kept: an identity-only one is of no use after the userinfo.
    if (pending?.dataScopes !== undefined) req.session.franceconnectToken = accessToken;
    req.log.info({ event: 'citizen.signed_in' }, 'usager connecté avec FranceConnect');
    res.redirect(303, pending?.returnTo ?? '/');
  };
