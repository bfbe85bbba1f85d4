import type { PendingSignIn } from '../oidc-client/sign-in.service.js';
import type { AgentIdentity } from './proconnect.service.js';

/** A signed-in agent, as the session keeps them; the role is read again from the organisation's list on each request. */
export interface AgentSession {
  id: string;
  email: string;
  givenName: string;
  usualName: string;
  organisationId: string;
  organisationName: string;
  role: 'lecteur' | 'administrateur';
  /** When the organisation authorised the agent: what arrived before is not « new » to them. */
  authorisedAt: number;
  idToken: string;
}

/** Someone signed in with ProConnect for the providers' space or the instruction: each space decides what they may do. */
export type ProConnectAccount = AgentIdentity & { idToken: string };

// The part of the session of those who sign in with ProConnect.
declare module 'express-session' {
  interface SessionData {
    agent: AgentSession;
    proconnectAccount: ProConnectAccount;
    proconnect: PendingSignIn;
    /** Where the sign-out ends: the agents' sign-in page, or the space it started from. */
    agentSignOut: { state: string; home?: string };
  }
}
