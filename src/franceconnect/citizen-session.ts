import type { Request } from 'express';
import type { ServiceEnvironment } from '../db/schema.js';
import type { PendingSignIn } from '../oidc-client/sign-in.service.js';
import type { CitizenIdentity } from './citizen-identity.js';

/**
 * A citizen signed in with FranceConnect, as the session keeps them; `environment`, the platform whose FranceConnect
 * it was: the test platform's (« bac à sable », test identities) or production's (absent in sessions begun before).
 */
export type CitizenSession = CitizenIdentity & { idToken: string; signedInAt: number; environment?: ServiceEnvironment };

/** The citizen signed in on this platform's FranceConnect; one signed in on the other is not signed in here. */
export function citizenOn(req: Request, environment: ServiceEnvironment): CitizenSession | undefined {
  const citizen = req.session.citizen;
  return citizen !== undefined && (citizen.environment ?? 'production') === environment ? citizen : undefined;
}

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
    /** A sign-in under way, and the platform whose FranceConnect completes it (production's when absent). */
    franceconnect: PendingSignIn & { environment?: ServiceEnvironment };
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
