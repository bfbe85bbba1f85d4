import type { PendingSignIn } from '../oidc-client/sign-in.service.js';

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

// The agents' space's part of the session.
declare module 'express-session' {
  interface SessionData {
    agent: AgentSession;
    proconnect: PendingSignIn;
    agentSignOut: { state: string };
  }
}
