import type { ExtraInputs } from '../sources/source-definition.js';
import type { SourceOutcome } from '../sources/source-fetcher.js';
import type { Decided, Decision } from '../transmission/transmission.js';

// The journey's part of the session, by interaction uid.
declare module 'express-session' {
  interface SessionData {
    /** Decisions taken on service providers' requests, until the citizen goes back. */
    journeys: Record<string, { decision: Decision; consentId: string; grantId?: string; justificatif?: Decided['justificatif'] }>;
    /** Data fetched for a preview, until the citizen decides (the store encrypts sessions). */
    previews: Record<
      string,
      {
        outcomes: SourceOutcome[];
        inputs: ExtraInputs;
        tried?: Record<string, string[]>;
        /** False while it holds only what was asked with the token after the sign-in, before the consent step. */
        shown?: boolean;
        /** The consent step was sent, then a new sign-in was needed: back from it, the whole preview is fetched and shown. */
        resume?: boolean;
      }
    >;
  }
}
