import type { RequestHandler } from 'express';
import { destroySession, regenerateSession } from '../http/session.js';
import { randomToken } from '../oidc-client/sign-in.service.js';
import type { FranceConnectService } from './franceconnect.service.js';

/** POST: signed out here at once, then at FranceConnect with the ID token as hint. */
export const startSignOut =
  (service: FranceConnectService): RequestHandler =>
  async (req, res) => {
    const citizen = req.session.citizen;
    await regenerateSession(req);
    if (citizen === undefined) return res.redirect(303, '/');
    const state = randomToken();
    req.session.signOut = { state };
    req.log.info({ event: 'citizen.signed_out' }, 'usager déconnecté');
    try {
      res.redirect(303, (await service.signOutUrl(citizen.idToken, state)).href);
    } catch (error) {
      req.log.warn({ err: error }, 'déconnexion de FranceConnect impossible');
      res.redirect(303, '/?deconnexion=partielle');
    }
  };

/** GET back from FranceConnect: only the matching state ends the session, so a forged link changes nothing. */
export const completeSignOut =
  (cookieName: string): RequestHandler =>
  async (req, res) => {
    const expected = req.session.signOut?.state;
    if (expected === undefined || req.query.state !== expected) return res.redirect(303, '/');
    await destroySession(req);
    res.clearCookie(cookieName, { path: '/' });
    res.redirect(303, '/?deconnexion=ok');
  };
