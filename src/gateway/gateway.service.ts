import { usesFranceConnect } from '../catalogue/call-modes.js';
import { apisFor } from '../catalogue/catalogue.js';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { DataRequest } from '../registry/data-request.js';
import type { ExtraInputs } from '../sources/source-definition.js';
import type { SourceFetcher, SourceOutcome } from '../sources/source-fetcher.js';

export interface PreviewStep {
  /** What the preview already holds: an answer obtained with the citizen's token is kept until retried. */
  previous?: SourceOutcome[];
  /** A retry of one API; the others are kept. */
  only?: string;
  /** The citizen's FranceConnect access token, when a live one is at hand. */
  franceConnectToken?: string;
  /**
   * Right after the FranceConnect sign-in: only the APIs asked with the token, while it lives (60 s); the others
   * wait for what the citizen types on the consent step.
   */
  tokenOnly?: boolean;
}

/** The core gateway's fetching: what a request needs from the sources, for the citizen's preview. */
export function createGateway({ fetcher }: { fetcher: SourceFetcher }) {
  /** The APIs to ask now: each asked once per preview with the token, any one again on a retry. */
  const toAsk = (request: DataRequest, { previous = [], only, franceConnectToken, tokenOnly = false }: PreviewStep) =>
    apisFor(request.scopes).filter((api) => {
      if (only !== undefined) return api === only;
      // Kept unless it waited for something to type (the ANTS's plate): then it is asked with what was typed.
      if (previous.some((outcome) => outcome.api === api && outcome.via === 'france_connect' && outcome.status !== 'missing_input')) return false;
      return !tokenOnly || (usesFranceConnect(request.callModes[api]) && franceConnectToken !== undefined);
    });

  return {
    /**
     * Whether this step must ask an API that answers only with the citizen's FranceConnect token: without a live
     * one, the journey signs the citizen in again first.
     */
    needsToken: (request: DataRequest, step: PreviewStep): boolean => toAsk(request, step).some((api) => request.callModes[api] === 'france_connect'),

    /** Fetches what this step asks, keeping the other outcomes. */
    async preview(request: DataRequest, identity: CitizenIdentity, inputs: ExtraInputs, step: PreviewStep = {}): Promise<SourceOutcome[]> {
      const { previous = [] } = step;
      const fresh = await fetcher.fetch(toAsk(request, step), identity, inputs, request.organisation.siret, {
        modes: request.callModes,
        franceConnectToken: step.franceConnectToken,
        scopes: request.scopes,
      });
      return apisFor(request.scopes).flatMap((api) => fresh.find((o) => o.api === api) ?? previous.filter((o) => o.api === api));
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
