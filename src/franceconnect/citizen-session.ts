import type { Request } from 'express';
import type { PendingSignIn } from '../oidc-client/sign-in.service.js';
import type { CitizenIdentity } from './citizen-identity.js';

/** A citizen signed in with FranceConnect, as the session keeps them. */
export type CitizenSession = CitizenIdentity & { idToken: string; signedInAt: number };

/** The query value (connexion=annulee) by which a page learns the person cancelled at FranceConnect. */
export const CANCELLED = 'annulee';

/** How recent a FranceConnect sign-in must be to consent to a transmission, or to see and withdraw shares. */
export const FRESH_SIGN_IN_MS = 30 * 60 * 1000;

export const isRecentSignIn = (citizen: Pick<CitizenSession, 'signedInAt'>, now = Date.now()): boolean => now - citizen.signedInAt < FRESH_SIGN_IN_MS;

// FranceConnect's part of the session: the signed-in citizen, a sign-in or sign-out under way.
declare module 'express-session' {
  interface SessionData {
    citizen: CitizenSession;
    franceconnect: PendingSignIn;
    signOut: { state: string };
  }
}

/** Forgets the signed-in citizen (a sign-out confirmed elsewhere); the session itself goes on, anonymous. */
export function forgetCitizen(req: Request): void {
  if (req.session === undefined) return;
  delete req.session.citizen;
  delete req.session.startedAt;
}
