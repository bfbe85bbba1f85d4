import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld, QF_DOWN, QF_FOUND } from '../../test/helpers/domain.js';
import { createDashboard } from './dashboard.js';
import { dashboardView } from './dashboard.view-model.js';

let world: DomainWorld;
const CLIENT = 'cantine-bellerive';

beforeAll(async () => {
  world = await domainWorld();
});
afterAll(() => world.remove());

const citizen = { sub: 'sub-noemie', person: { givenNames: 'Noémie', familyName: 'ROUSSEL', birthDate: '1990-07-02' } };

describe('the administrators’ dashboard', () => {
  it('counts each procedure’s requests by outcome and day, the API’s answers by code, and shows the events sent', async () => {
    const dashboard = createDashboard({ db: world.db, registry: world.registry, apiRateLimit: { perMinute: 600, thisMinute: async () => 3 } });
    const empty = (await dashboard(world.request.organisation.id))[0];
    expect(empty?.totals).toEqual({ transmitted: { all: 0, some: 0, none: 0 }, refused: 0, declined: 0 });

    const { justificatif } = await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_FOUND], decision: 'transmitted' });
    await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_DOWN], decision: 'transmitted' });
    await world.transmissions.decide({ request: world.request, citizen, outcomes: [QF_FOUND], decision: 'refused' });
    for (const status of [200, 200])
      await world.journal.append({ type: 'justificatif.fetched', actor: `sp:${CLIENT}`, data: { route: '/api/v1/justificatif', status } });
    await world.journal.append({ type: 'api.refused', actor: `sp:${CLIENT}`, data: { route: '/api/v1/justificatif', status: 410, code: '00410' } });
    // Another organisation's service: never counted here.
    await world.journal.append({ type: 'justificatif.fetched', actor: 'sp:autre-service', data: { status: 200 } });
    await world.events.record({
      clientId: CLIENT,
      type: 'justificatif.retire',
      data: { justificatif: justificatif?.id ?? '', numero: justificatif?.reference ?? '', retire_le: new Date().toISOString() },
      occurredAt: Date.now(),
    });

    const [procedure] = await dashboard(world.request.organisation.id);
    expect(procedure).toMatchObject({
      clientId: CLIENT,
      procedure: 'Tarif de la cantine',
      totals: { transmitted: { all: 1, some: 0, none: 1 }, refused: 1, declined: 0 },
      apiAnswers: [
        { status: 200, code: '—', count: 2 },
        { status: 410, code: '00410', count: 1 },
      ],
      rateLimit: { perMinute: 600, thisMinute: 3 },
      webhookUrl: null,
      events: [{ type: 'justificatif.retire', state: 'pending', attempts: 0 }],
    });
    expect(procedure?.days).toHaveLength(1);

    const view = dashboardView(procedure as NonNullable<typeof procedure>, Date.now());
    expect(view.summary.map((line) => `${line.label} : ${line.value}`)).toEqual([
      'Demandes reçues : 3',
      'Transmises avec toutes les informations : 1',
      'Transmises avec une partie des informations : 0',
      'Transmises sans aucune information obtenue : 1',
      'Refusées par la personne : 1',
      'Abandonnées avant la connexion : 0',
    ]);
    expect(view.apiAnswers).toEqual([
      { answer: '200 (justificatif servi)', count: 2 },
      { answer: '410, code 00410', count: 1 },
    ]);
    expect(view.rateLimit).toBe('3 appels dans la minute en cours, sur 600 permis par minute (comptés par le serveur qui affiche cette page).');
    expect(view.events[0]).toMatchObject({ type: 'Retrait d’un justificatif par la personne', state: 'en attente', detail: '0 essai' });
    expect(view.habilitation).toMatch(/^Habilitation hab-[0-9a-f]+ en vigueur jusqu’au \d+ \S+ \d{4} \(3\d\d jours\)\.$/);
    expect(view.habilitationEndsSoon).toBe(false);
  });
});
