import { describe, expect, it } from 'vitest';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { DataRequest } from '../registry/data-request.js';
import type { SourceFetcher, SourceOutcome } from '../sources/source-fetcher.js';
import { createGateway } from './gateway.service.js';

const request: DataRequest = {
  clientId: 'creche-bellerive',
  habilitationId: 'hab-1',
  organisation: { id: 'org-1', name: 'Mairie de Bellerive', siret: '21999999900010' },
  procedure: 'Inscription à la crèche',
  purpose: 'Calculer la participation familiale.',
  legalBasis: 'Délibération',
  legalReference: 'Code de l’action sociale',
  retentionDays: 365,
  scopes: ['cnaf_quotient_familial', 'cnaf_enfants', 'complementaire_sante_solidaire'],
  derivations: {},
};

const identity: CitizenIdentity = {
  sub: 'sub-lucie',
  givenName: 'Lucie',
  familyName: 'FONTAINE',
  preferredUsername: undefined,
  birthdate: '1988-02-11',
  idpBirthdate: undefined,
  gender: 'female',
  birthplace: '44109',
  birthcountry: '99100',
};

/** A source fetcher that answers from a script and notes what it was asked. */
function scriptedFetcher(status: (api: string, call: number) => SourceOutcome['status']) {
  const calls: Array<{ apis: string[]; recipient: string }> = [];
  const fetcher: SourceFetcher = {
    fetch: async (apis, _identity, _inputs, recipient) => {
      calls.push({ apis, recipient });
      return apis.map((api) => ({ api, status: status(api, calls.length), fetchedAt: calls.length, requestId: `req-${calls.length}` }));
    },
    breakerState: () => 'closed',
  };
  return { fetcher, calls };
}

describe('the gateway’s preview', () => {
  it('asks each API of the request once, for the requesting organisation', async () => {
    const { fetcher, calls } = scriptedFetcher(() => 'ok');
    const outcomes = await createGateway({ fetcher }).preview(request, identity, {});
    expect(calls).toEqual([{ apis: ['quotient_familial', 'complementaire_sante_solidaire'], recipient: '21999999900010' }]);
    expect(outcomes.map((o) => o.api)).toEqual(['quotient_familial', 'complementaire_sante_solidaire']);
  });

  it('retries one source only, keeping what the others answered before', async () => {
    const { fetcher, calls } = scriptedFetcher((api, call) => (api === 'quotient_familial' && call === 1 ? 'unavailable' : 'ok'));
    const gateway = createGateway({ fetcher });
    const first = await gateway.preview(request, identity, {});
    const retried = await gateway.preview(request, identity, {}, first, 'quotient_familial');
    expect(calls[1]?.apis).toEqual(['quotient_familial']);
    expect(retried.map((o) => [o.api, o.status, o.requestId])).toEqual([
      ['quotient_familial', 'ok', 'req-2'],
      ['complementaire_sante_solidaire', 'ok', 'req-1'],
    ]);
  });
});
