import type { PendingSignIn } from '../oidc-client/sign-in.service.js';
import type { CitizenIdentity } from './citizen-identity.js';

/** A citizen signed in with FranceConnect, as the session keeps them. */
export type CitizenSession = CitizenIdentity & { idToken: string; signedInAt: number };

// FranceConnect's part of the session: the signed-in citizen, a sign-in or sign-out under way.
declare module 'express-session' {
  interface SessionData {
    citizen: CitizenSession;
    franceconnect: PendingSignIn;
    signOut: { state: string };
  }
}
