import type { Request, RequestHandler, Response } from 'express';
import { destroySession, regenerateSession } from '../http/session.js';
import { randomToken, type SignInService } from './sign-in.service.js';

export interface SignOutOptions {
  /** The provider to sign out of, or, where there are several (FranceConnect's platforms), the one of this person. */
  service: SignInService<unknown> | ((req: Request) => SignInService<unknown>);
  /** The ID token kept at sign-in, if someone of this kind is signed in. */
  idTokenOf(req: Request): string | undefined;
  stateKey: 'signOut' | 'agentSignOut';
  cookieName: string;
  /** Where sign-out ends: the home page for citizens, the agents' sign-in page for agents, a space's own page. */
  home: string;
  /** Other sessions the same sign-out ends, before the portal's own (the authorization server's, for citizens). */
  endAlso?: (req: Request, res: Response) => Promise<void>;
}

/** POST: signed out here at once, then at the provider with the ID token as hint. */
export const startSignOut =
  ({ service, idTokenOf, stateKey, home, endAlso }: SignOutOptions): RequestHandler =>
  async (req, res) => {
    const idToken = idTokenOf(req);
    // Chosen before the session is renewed: it says who signed the person in.
    const provider = typeof service === 'function' ? service(req) : service;
    await endAlso?.(req, res);
    await regenerateSession(req);
    if (idToken === undefined) return res.redirect(303, home);
    const state = randomToken();
    // Kept with the state: several spaces share the provider's one registered way back.
    req.session[stateKey] = { state, home };
    req.log.info({ event: 'signed_out', home }, 'déconnexion');
    try {
      res.redirect(303, (await provider.signOutUrl(idToken, state)).href);
    } catch (error) {
      req.log.warn({ err: error }, 'déconnexion chez le fournisseur d’identité impossible');
      res.redirect(303, `${home}?deconnexion=partielle`);
    }
  };

/** GET back from the provider: only the matching state ends the session, so a forged link changes nothing. */
export const completeSignOut =
  ({ stateKey, cookieName, home: defaultHome }: SignOutOptions): RequestHandler =>
  async (req, res) => {
    const expected = req.session[stateKey]?.state;
    const home = req.session[stateKey]?.home ?? defaultHome;
    if (expected === undefined || req.query.state !== expected) return res.redirect(303, defaultHome);
    await destroySession(req);
    res.clearCookie(cookieName, { path: '/' });
    res.redirect(303, `${home}?deconnexion=ok`);
  };
