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

/**
 * A FranceConnect access token that covers data scopes, kept for the data providers that take it: it lives 60
 * seconds, is used right after the sign-in, and never outlives the session (the store encrypts it).
 */
export interface FranceConnectToken {
  value: string;
  expiresAt: number;
  scopes: string[];
}

/** A token still good for a call: a few seconds of margin, for the data provider's own check with FranceConnect. */
export const isLiveToken = (token: FranceConnectToken | undefined, now = Date.now()): token is FranceConnectToken =>
  token !== undefined && token.expiresAt - now > 5000;

// FranceConnect's part of the session: the signed-in citizen, a sign-in or sign-out under way.
declare module 'express-session' {
  interface SessionData {
    citizen: CitizenSession;
    franceconnectToken: FranceConnectToken;
    franceconnect: PendingSignIn;
    signOut: { state: string; home?: string };
  }
}

/** Forgets the signed-in citizen (a sign-out confirmed elsewhere); the session itself goes on, anonymous. */
export function forgetCitizen(req: Request): void {
  if (req.session === undefined) return;
  delete req.session.citizen;
  delete req.session.franceconnectToken;
  delete req.session.startedAt;
}
