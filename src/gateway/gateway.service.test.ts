import { describe, expect, it } from 'vitest';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import type { DataRequest } from '../registry/data-request.js';
import type { SourceFetcher, SourceOutcome } from '../sources/source-fetcher.js';
import { createGateway } from './gateway.service.js';

const request: DataRequest = {
  clientId: 'creche-bellerive',
  environment: 'production',
  habilitationId: 'hab-1',
  organisation: { id: 'org-1', name: 'Mairie de Bellerive', siret: '21999999900010' },
  procedure: 'Inscription à la crèche',
  purpose: 'Calculer la participation familiale.',
  legalBasis: 'Délibération',
  legalReference: 'Code de l’action sociale',
  retentionDays: 365,
  scopes: ['cnaf_quotient_familial', 'cnaf_enfants', 'complementaire_sante_solidaire'],
  derivations: {},
  callModes: {},
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
      return apis.map((api) => ({
        api,
        status: status(api, calls.length),
        fetchedAt: calls.length,
        requestId: `req-${calls.length}`,
        via: 'identite' as const,
      }));
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
    const retried = await gateway.preview(request, identity, {}, { previous: first, only: 'quotient_familial' });
    expect(calls[1]?.apis).toEqual(['quotient_familial']);
    expect(retried.map((o) => [o.api, o.status, o.requestId])).toEqual([
      ['quotient_familial', 'ok', 'req-2'],
      ['complementaire_sante_solidaire', 'ok', 'req-1'],
    ]);
  });
});

describe('the gateway with FranceConnect call modes', () => {
  const tokenMode = { ...request, callModes: { quotient_familial: 'france_connect', complementaire_sante_solidaire: 'identite' } as const };

  it('asks only the APIs called with the token right after the sign-in, then the others, never the first ones twice', async () => {
    const { fetcher, calls } = scriptedFetcher(() => 'ok');
    const gateway = createGateway({ fetcher });
    const viaToken = (await gateway.preview(tokenMode, identity, {}, { franceConnectToken: 'jeton', tokenOnly: true })).map((o) =>
      o.api === 'quotient_familial' ? { ...o, via: 'france_connect' as const } : o,
    );
    expect(calls[0]?.apis).toEqual(['quotient_familial']);
    await gateway.preview(tokenMode, identity, {}, { previous: viaToken });
    expect(calls[1]?.apis).toEqual(['complementaire_sante_solidaire']);
  });

  it('needs a token for an API called only with one, unless its answer is already there', () => {
    const gateway = createGateway({ fetcher: scriptedFetcher(() => 'ok').fetcher });
    expect(gateway.needsToken(tokenMode, {})).toBe(true);
    expect(gateway.needsToken(tokenMode, { only: 'complementaire_sante_solidaire' })).toBe(false);
    const kept = [{ api: 'quotient_familial', status: 'ok' as const, fetchedAt: 1, requestId: 'r', via: 'france_connect' as const }];
    expect(gateway.needsToken(tokenMode, { previous: kept })).toBe(false);
    expect(gateway.needsToken(tokenMode, { previous: kept, only: 'quotient_familial' })).toBe(true);
    expect(gateway.needsToken({ ...tokenMode, callModes: { quotient_familial: 'france_connect_sinon_identite' } }, {})).toBe(false);
  });
});
