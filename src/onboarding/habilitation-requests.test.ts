import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld } from '../../test/helpers/domain.js';
import { BOIS_JOLI_REQUEST } from '../../test/helpers/habilitation-request.js';
import { addMonths } from '../registry/habilitation.js';
import { createRegistry } from '../registry/registry.service.js';
import { createHabilitationRequests, type HabilitationRequests, habilitationContacts } from './habilitation-requests.js';

let world: DomainWorld;
let requests: HabilitationRequests;
const requester = { sub: 'pc-ines', email: 'ines.garnier@bois-joli.fr', name: 'Inès GARNIER', siret: '21999999900044' };
const stranger = { ...requester, sub: 'pc-karim', email: 'karim@val-fictif.fr', siret: '21999999900028' };
const instructor = { email: 'helene.leroy@passerelle.example.gouv.fr', name: 'Hélène LEROY' };

const COMPLETE = {
  ...BOIS_JOLI_REQUEST,
  intitule: 'Tarif du centre de loisirs',
  redirect_uris: 'https://bois-joli.example/retour\nhttp://localhost:8080/retour',
  scopes: ['cnaf_quotient_familial'],
};

beforeAll(async () => {
  world = await domainWorld();
  requests = createHabilitationRequests({
    db: world.db,
    journal: world.journal,
    registry: world.registry,
    registryWithin: (trx) => createRegistry(trx, { allowLocalHttp: true }),
    cipher: world.cipher,
    allowLocalHttp: true,
  });
});
afterAll(() => world.remove());

describe('habilitation requests', () => {
  it('keeps a draft as typed, and submits it only once complete', async () => {
    const { request, errors } = await requests.save(
      requester,
      { intitule: 'Cantine', scopes: ['cnaf_quotient_familial', 'inconnu'] },
      { submit: true },
    );
    expect(request.state).toBe('brouillon');
    expect(errors).toMatchObject({ organisation_nom: 'Saisissez le nom de votre organisation.', cadre_juridique: expect.any(String) });
    expect(JSON.parse(request.form)).toMatchObject({ intitule: 'Cantine', scopes: ['cnaf_quotient_familial'] });
    expect(request.number).toMatch(/^DH-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // The DGFiP's data need an income year, as the registry has it.
    const fiscal = await requests.save(requester, { ...COMPLETE, scopes: ['dgfip_rfr'] }, { id: request.id, submit: true });
    expect(fiscal.errors?.scopes).toContain('année de revenus');
    // Above 36 months, retention needs a reason.
    expect((await requests.save(requester, { ...COMPLETE, conservation_jours: '1500' }, { id: request.id, submit: true })).errors).toEqual({
      justification_conservation: 'Au-delà de 36 mois de conservation, expliquez pourquoi cette durée est nécessaire.',
    });

    const submitted = await requests.save(requester, COMPLETE, { id: request.id, submit: true });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.request.state).toBe('soumise');
    await expect(requests.save(requester, COMPLETE, { id: request.id, submit: false })).rejects.toMatchObject({ code: 'DEMANDE-HAB-002' });
    await expect(requests.save(stranger, COMPLETE, { id: request.id, submit: false })).rejects.toMatchObject({ code: 'DEMANDE-HAB-001' });
    expect(await requests.forRequester(stranger, request.id)).toBeUndefined();
  });

  it('asks for changes with a message, refuses with a reason, approves by creating the service, the habilitation and a secret shown once', async () => {
    const [first] = await requests.ofOrganisation(requester.siret);
    const id = first?.id ?? '';
    await expect(requests.decide(instructor, id, 'modifications_demandees', '  ')).rejects.toMatchObject({ code: 'DEMANDE-HAB-003' });
    await requests.decide(instructor, id, 'modifications_demandees', 'Précisez la date de la délibération.');
    await expect(requests.decide(instructor, id, 'validee', null)).rejects.toMatchObject({ code: 'DEMANDE-HAB-002' });
    await requests.message({ requester }, id, 'C’est la délibération du 12 mars.');
    await requests.save(requester, COMPLETE, { id, submit: true });

    const approved = await requests.decide(instructor, id, 'validee', null);
    expect(approved).toMatchObject({ state: 'validee', client_id: expect.stringMatching(/^sp-/), habilitation_id: expect.stringMatching(/^hab-/) });
    const service = await world.registry.findServiceProvider(approved.client_id ?? '');
    expect(service).toMatchObject({ organisation_name: 'Commune de Bois-Joli', procedure_name: 'Tarif du centre de loisirs' });
    expect(JSON.parse(service?.redirect_uris ?? '[]')).toEqual(['https://bois-joli.example/retour', 'http://localhost:8080/retour']);
    expect(await world.registry.activeHabilitation(approved.client_id ?? '')).toMatchObject({
      retention_days: 365,
      scopes: '["cnaf_quotient_familial"]',
    });

    expect(await requests.secretWaiting(approved)).toBe(true);
    await expect(requests.revealSecret(stranger, id)).rejects.toMatchObject({ code: 'DEMANDE-HAB-001' });
    // A colleague of the same organisation follows the request, but the secret is the requester's.
    await expect(requests.revealSecret({ ...requester, sub: 'pc-marc', email: 'marc.vidal@bois-joli.fr' }, id)).rejects.toMatchObject({
      code: 'DEMANDE-HAB-004',
    });
    const revealed = await requests.revealSecret(requester, id);
    expect(revealed).toMatchObject({ clientId: approved.client_id, secret: expect.stringMatching(/^[\w-]{43}$/) });
    expect(await requests.revealSecret(requester, id)).toBeUndefined();
    expect(await requests.secretWaiting(approved)).toBe(false);

    const history = await requests.historyOf(id);
    expect(history.map((event) => [event.author_role, event.action])).toEqual([
      ['demandeur', 'creee'],
      ['demandeur', 'soumise'],
      ['instructeur', 'modifications_demandees'],
      ['demandeur', 'message'],
      ['demandeur', 'soumise'],
      ['instructeur', 'validee'],
    ]);

    // Two instructors approving at once: one service is created, the other decision is refused.
    const raced = await requests.save(requester, { ...COMPLETE, organisation_nom: 'Mairie de Bois-Joli (nouveau nom)' }, { submit: true });
    const services = async () => (await world.registry.listServiceProviders()).length;
    const before = await services();
    const outcomes = await Promise.allSettled([
      requests.decide(instructor, raced.request.id, 'validee', null),
      requests.decide(instructor, raced.request.id, 'validee', null),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: 'DEMANDE-HAB-002' } });
    expect(await services()).toBe(before + 1);
    // The organisation already known keeps its name: a request does not rename it.
    expect((await world.registry.findOrganisationBySiret(requester.siret))?.name).toBe('Commune de Bois-Joli');

    const other = await requests.save(requester, COMPLETE, { submit: true });
    await requests.decide(instructor, other.request.id, 'refusee', 'Une habilitation existe déjà pour cette démarche.');
    expect((await requests.forRequester(requester, other.request.id))?.request.state).toBe('refusee');
    expect((await requests.queue()).map((request) => request.state)).toEqual(['validee', 'validee', 'refusee']);
    const journal = await world.db.selectFrom('journal_entry').select('type').where('type', 'like', 'habilitation_request.%').execute();
    // This request's steps, its secret shown, then the raced one's three steps and the refused one's three.
    expect(journal).toHaveLength(history.length + 1 + 3 + 3);
  });
});

describe('prolonging a habilitation', () => {
  it('is offered in the last three months only, to the organisation’s own staff, one at a time, and renews for 18 months', async () => {
    const [approved] = (await requests.queue()).filter((request) => request.state === 'validee' && request.kind === 'initiale');
    const habilitation = await world.registry.findHabilitation(approved?.habilitation_id ?? '');
    const end = habilitation?.valid_until ?? 0;
    const DAY = 24 * 60 * 60 * 1000;
    let clock = end - 100 * DAY;
    const at = () => clock;
    const later = createHabilitationRequests({
      db: world.db,
      journal: world.journal,
      registry: createRegistry(world.db, { allowLocalHttp: true, now: at }),
      registryWithin: (trx) => createRegistry(trx, { allowLocalHttp: true, now: at }),
      cipher: world.cipher,
      allowLocalHttp: true,
      now: at,
    });
    const id = habilitation?.id ?? '';
    await expect(later.prolong(requester, id, '')).rejects.toMatchObject({ code: 'DEMANDE-HAB-002' });
    clock = end - 30 * DAY;
    await expect(later.prolong(stranger, id, '')).rejects.toMatchObject({ code: 'DEMANDE-HAB-001' });
    const prolongation = await later.prolong(requester, id, 'Nouveau contact technique : Paul Roche.');
    expect(prolongation).toMatchObject({ kind: 'prolongation', state: 'soumise', habilitation_id: id, client_id: approved?.client_id });
    expect(JSON.parse(prolongation.form)).toMatchObject({
      intitule: 'Tarif du centre de loisirs',
      prolongation_note: 'Nouveau contact technique : Paul Roche.',
    });
    await expect(later.prolong(requester, id, '')).rejects.toMatchObject({ code: 'DEMANDE-HAB-002' });
    await expect(later.decide(instructor, prolongation.id, 'modifications_demandees', 'Pourquoi ?')).rejects.toMatchObject({
      code: 'DEMANDE-HAB-002',
    });

    await later.decide(instructor, prolongation.id, 'validee', null);
    const renewed = await world.registry.findHabilitation(id);
    expect(renewed?.valid_until).toBe(addMonths(clock, 18));
    expect(await habilitationContacts(world.db, id)).toEqual(['ines.garnier@bois-joli.fr', 'paul.roche@bois-joli.fr']);
    expect((await later.historyOf(prolongation.id)).map((event) => [event.action, event.message])).toEqual([
      ['creee', null],
      ['soumise', 'Nouveau contact technique : Paul Roche.'],
      ['validee', null],
    ]);
  });
});

describe('the terms of a submitted request', () => {
  it('judges the terms on one reading of the clock, so that a complete request is never one millisecond too long', async () => {
    let clock = Date.now();
    const ticking = createRegistry(world.db, { allowLocalHttp: true, now: () => clock++ });
    const withTickingClock = createHabilitationRequests({
      db: world.db,
      journal: world.journal,
      registry: ticking,
      registryWithin: (trx) => createRegistry(trx, { allowLocalHttp: true }),
      cipher: world.cipher,
      allowLocalHttp: true,
    });
    expect((await withTickingClock.save(requester, COMPLETE, { submit: true })).errors).toBeUndefined();
  });
});
