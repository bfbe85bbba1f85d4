import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import type { DataRequest } from '../registry/data-request.js';
import { addMonths } from '../registry/habilitation.js';
import type { SourceOutcome } from '../sources/source-fetcher.js';
import { type CitizenSpace, createCitizenSpace, type Share } from './citizen-space.js';
import { filterOptions, filtersOf, matches, shareCard } from './share-list.view-model.js';

const C2S_NOT_FOUND: SourceOutcome = {
  api: 'complementaire_sante_solidaire',
  status: 'not_found',
  httpStatus: 404,
  fetchedAt: Date.UTC(2026, 10, 20, 9, 31),
  requestId: 'req-c2s-1',
  via: 'identite',
};

let world: DomainWorld;
let space: CitizenSpace;
let transport: DataRequest;
let shares: Share[];
const SUB = 'sub-liste';

/** A second service, whose request spans two producers: one can answer while the other does not (a partial transmission). */
async function transportService(): Promise<DataRequest> {
  await world.registry.upsertOrganisation({ siret: '21999999900028', name: 'Communauté du Val-Fictif' });
  await world.registry.createServiceProvider({
    siret: '21999999900028',
    clientId: 'transports-val-fictif',
    displayName: 'Val-Fictif',
    procedureName: 'Tarif solidaire des transports',
    redirectUris: ['http://localhost:4990/retour'],
    clientSecret: randomBytes(24).toString('hex'),
  });
  await world.registry.grantHabilitation({
    clientId: 'transports-val-fictif',
    scopes: ['cnaf_quotient_familial', 'complementaire_sante_solidaire'],
    purpose: 'Accorder le tarif solidaire des transports.',
    legalBasis: 'Délibération du conseil communautaire',
    legalReference: 'Code des transports, article L1113-1',
    retentionDays: 180,
    validUntil: addMonths(Date.now(), 12),
  });
  const request = await world.registry.dataRequest('transports-val-fictif', ['cnaf_quotient_familial', 'complementaire_sante_solidaire']);
  if (request === undefined) throw new Error('habilitation absente');
  return request;
}

/** Decides, a few milliseconds after the previous decision so that the list's order (newest first) is certain. */
async function decide(request: DataRequest, outcomes: SourceOutcome[], decision: 'transmitted' | 'refused' = 'transmitted') {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return world.transmissions.decide({
    request,
    citizen: { sub: SUB, person: { givenNames: 'Lucie', familyName: 'FONTAINE', birthDate: '1988-03-14' } },
    outcomes,
    decision,
  });
}

const cardsOf = async (list: Share[]) =>
  Promise.all(
    list.map(async (share) => shareCard(share, share.justificatif && (await world.justificatifs.receipts(share.justificatif))?.transmission)),
  );

beforeAll(async () => {
  world = await domainWorld();
  space = createCitizenSpace({
    db: world.db,
    transmissions: world.transmissions,
    justificatifs: world.justificatifs,
    registry: world.registry,
    agentNumber: world.pseudonyms.agentNumber,
  });
  transport = await transportService();
  // One share per outcome, oldest first: everything, nothing, part of it, a refusal, then one withdrawn.
  await decide(world.request, [QF_FOUND]);
  await decide(world.request, [QF_DOWN]);
  await decide(transport, [QF_FOUND, C2S_NOT_FOUND]);
  await decide(world.request, [QF_FOUND], 'refused');
  const { justificatif } = await decide(transport, [QF_FOUND, C2S_NOT_FOUND]);
  const withdrawn = await space.find(SUB, justificatif?.reference ?? '');
  if (withdrawn === undefined) throw new Error('introuvable');
  await space.withdraw(withdrawn);
  shares = await space.list(SUB);
});
afterAll(() => world.remove());

describe('the list of Mon espace', () => {
  it('gives each card what was shared (the items’ names), the date and time, and its state, for every outcome', async () => {
    const cards = await cardsOf(shares);
    expect(cards.map((card) => [card.title, card.status.label, card.sent, card.missing, card.asked])).toEqual([
      ['Communauté du Val-Fictif – Tarif solidaire des transports', 'Retirée', ['Quotient familial'], ['Complémentaire santé solidaire (C2S)'], []],
      ['Mairie de Bellerive – Tarif de la cantine', 'Refusée', [], [], ['Quotient familial', 'Enfants du foyer']],
      [
        'Communauté du Val-Fictif – Tarif solidaire des transports',
        'Transmise en partie',
        ['Quotient familial'],
        ['Complémentaire santé solidaire (C2S)'],
        [],
      ],
      ['Mairie de Bellerive – Tarif de la cantine', 'Aucune information obtenue', [], ['Quotient familial', 'Enfants du foyer'], []],
      ['Mairie de Bellerive – Tarif de la cantine', 'Transmise', ['Quotient familial', 'Enfants du foyer'], [], []],
    ]);
    for (const card of cards) expect(card.when).toMatch(/^\d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2}$/);
    // A withdrawn share says when its data went, never until when they are kept; a refusal, or nothing obtained, kept nothing.
    expect(cards.map((card) => card.retention?.replace(/\d.*/, '…'))).toEqual([
      'Effacées le …',
      undefined,
      'Gardées jusqu’au …',
      undefined,
      'Gardées jusqu’au …',
    ]);
  });

  it('filters by state and by service, and ignores a value it does not know', () => {
    const shown = (query: unknown) => shares.filter(matches(filtersOf(query, shares))).length;
    expect(shown({})).toBe(5);
    expect(shown({ etat: 'partial' })).toBe(1);
    expect(shown({ etat: 'withdrawn' })).toBe(1);
    expect(shown({ service: 'transports-val-fictif' })).toBe(2);
    expect(shown({ etat: 'active', service: 'cantine-bellerive' })).toBe(1);
    expect(shown({ etat: 'active', service: 'transports-val-fictif' })).toBe(0);
    // Unknown state, a service this citizen never dealt with, repeated or oversized parameters, no query at all.
    expect(filtersOf({ etat: 'supprimee', service: 'autre-service' }, shares)).toEqual({ etat: undefined, service: undefined });
    expect(filtersOf({ etat: ['active', 'refused'], service: 'x'.repeat(500) }, shares)).toEqual({ etat: undefined, service: undefined });
    expect(filtersOf({ etat: 'refused', service: ['cantine-bellerive'] }, shares)).toEqual({ etat: 'refused', service: undefined });
    expect(filtersOf(undefined, shares)).toEqual({ etat: undefined, service: undefined });
  });

  it('offers every state, and each service this citizen dealt with once', () => {
    const options = filterOptions(shares);
    expect(options.etat.map(([, label]) => label)).toEqual([
      'Tous les états',
      'Transmise',
      'Transmise en partie',
      'Aucune information obtenue',
      'Retirée',
      'Expirée',
      'Refusée',
    ]);
    expect(options.service).toEqual([
      ['', 'Tous les services'],
      ['transports-val-fictif', 'Communauté du Val-Fictif – Tarif solidaire des transports'],
      ['cantine-bellerive', 'Mairie de Bellerive – Tarif de la cantine'],
    ]);
  });
});
