import type { RequestHandler } from 'express';
import { startSignedInSession } from '../http/session.js';
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

/** GET from FranceConnect: the pending attempt is used once, whatever the outcome. */
export const completeSignIn =
  (service: FranceConnectService): RequestHandler =>
  async (req, res) => {
    const pending = req.session.franceconnect;
    delete req.session.franceconnect;
    // A failed sign-in inside a service provider's request retries from that request, not from home.
    if (pending !== undefined && pending.returnTo !== '/') res.locals.retryHref = pending.returnTo.replace(/\/connexion$/, '');
    const { identity, idToken } = await service.complete(req.originalUrl.split('?')[1] ?? '', pending);
    await startSignedInSession(req);
    req.session.citizen = { ...identity, idToken, signedInAt: Date.now() };
    req.log.info({ event: 'citizen.signed_in' }, 'usager connecté avec FranceConnect');
    res.redirect(303, pending?.returnTo ?? '/');
  };
