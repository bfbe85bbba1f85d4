import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { DataRequest } from '../registry/data-request.js';
import { apisFor } from '../sources/items.js';
import type { ExtraInputs } from '../sources/source-definition.js';
import type { SourceFetcher, SourceOutcome } from '../sources/source-fetcher.js';

/** The core gateway's fetching: what a request needs from the sources, for the citizen's preview. */
export function createGateway({ fetcher }: { fetcher: SourceFetcher }) {
  return {
    /** Fetches every API of the request, or only `only` (a retry), keeping the other outcomes. */
    async preview(
      request: DataRequest,
      identity: CitizenIdentity,
      inputs: ExtraInputs,
      previous: SourceOutcome[] = [],
      only?: string,
    ): Promise<SourceOutcome[]> {
      const apis = apisFor(request.scopes);
      const fresh = await fetcher.fetch(
        apis.filter((api) => only === undefined || api === only),
        identity,
        inputs,
        request.organisation.siret,
      );
      return apis.flatMap((api) => fresh.find((o) => o.api === api) ?? previous.filter((o) => o.api === api));
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
