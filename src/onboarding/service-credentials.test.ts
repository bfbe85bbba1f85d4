import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainWorld, domainWorld } from '../../test/helpers/domain.js';
import { BOIS_JOLI_REQUEST } from '../../test/helpers/habilitation-request.js';
import { verifyClientSecret } from '../registry/client-secret.js';
import { createRegistry } from '../registry/registry.service.js';
import { replaceSecret } from '../registry/service-provider.repository.js';
import { createHabilitationRequests } from './habilitation-requests.js';
import { createServiceCredentials, type ServiceCredentials } from './service-credentials.js';

let world: DomainWorld;
let credentials: ServiceCredentials;
let clientId = '';
const requester = { sub: 'pc-ines', email: 'ines.garnier@bois-joli.fr', name: 'Inès GARNIER', siret: '21999999900044' };
const technical = { ...requester, sub: 'pc-paul', email: 'Paul.Roche@bois-joli.fr', name: 'Paul ROCHE' };
const colleague = { ...requester, sub: 'pc-marc', email: 'marc.vidal@bois-joli.fr', name: 'Marc VIDAL' };
const stranger = { ...requester, sub: 'pc-karim', email: 'karim@val-fictif.fr', siret: '21999999900028' };

beforeAll(async () => {
  world = await domainWorld();
  const registryWithin = (trx: DomainWorld['db']) => createRegistry(trx, { allowLocalHttp: true });
  const requests = createHabilitationRequests({
    db: world.db,
    journal: world.journal,
    registry: world.registry,
    registryWithin,
    cipher: world.cipher,
    allowLocalHttp: true,
  });
  const { request } = await requests.save(
    requester,
    {
      ...BOIS_JOLI_REQUEST,
      intitule: 'Tarif du centre de loisirs',
      redirect_uris: 'https://bois-joli.example/retour',
      scopes: ['cnaf_quotient_familial'],
    },
    { submit: true },
  );
  clientId =
    (await requests.decide({ email: 'helene.leroy@passerelle.example.gouv.fr', name: 'Hélène LEROY' }, request.id, 'validee', null)).client_id ?? '';
  credentials = createServiceCredentials({ db: world.db, journal: world.journal, registry: world.registry, registryWithin });
});
afterAll(() => world.remove());

describe('a service’s credentials, changed by its own staff', () => {
  it('lets the requester and the technical contact change them, shows the service to colleagues, hides it from others', async () => {
    expect(await credentials.mayChange(requester, clientId)).toBe(true);
    expect(await credentials.mayChange(technical, clientId)).toBe(true);
    expect(await credentials.mayChange(colleague, clientId)).toBe(false);
    expect((await credentials.ownService(colleague, clientId)).client_id).toBe(clientId);
    await expect(credentials.ownService(stranger, clientId)).rejects.toMatchObject({ code: 'DEMANDE-HAB-001' });
    await expect(credentials.renewSecret(colleague, clientId, 0)).rejects.toMatchObject({ code: 'SERVICE-001' });
    await expect(credentials.renewSecret(stranger, clientId, 0)).rejects.toMatchObject({ code: 'DEMANDE-HAB-001' });
  });

  it('renews the secret with an overlap, ends it early, then moves to keys at an address, each change journaled', async () => {
    const before = await world.registry.findServiceProvider(clientId);
    const renewed = await credentials.renewSecret(technical, clientId, 7);
    const during = await world.db.selectFrom('service_provider').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(verifyClientSecret(renewed.secret, during.secret_hash ?? '')).toBe(true);
    expect(during.previous_secret_hash).toBe(before?.secret_hash);
    expect(Number(during.previous_secret_until)).toBe(renewed.previousUntil);

    await credentials.endOverlap(requester, clientId);
    await expect(credentials.endOverlap(requester, clientId)).rejects.toMatchObject({ code: 'SERVICE-002' });
    await expect(credentials.useKeysAt(requester, clientId, 'http://bois-joli.example/jwks')).rejects.toMatchObject({ code: 'SERVICE-002' });
    await credentials.useKeysAt(requester, clientId, 'https://bois-joli.example/jwks.json');
    // Read through the registry the portal serves with: what it remembered is forgotten.
    expect(await world.registry.findServiceProvider(clientId)).toMatchObject({ auth_method: 'private_key_jwt', secret_hash: null });
    await expect(credentials.renewSecret(requester, clientId, 7)).rejects.toMatchObject({ code: 'SERVICE-002' });
    // The seed file, applied again at a start, keeps what it does not say: the keys' address, the environment.
    await world.registry.upsertServiceProvider({
      siret: requester.siret,
      clientId,
      displayName: 'Commune de Bois-Joli',
      procedureName: 'Tarif du centre de loisirs',
      redirectUris: ['https://bois-joli.example/retour'],
    });
    expect(await world.registry.findServiceProvider(clientId)).toMatchObject({
      auth_method: 'private_key_jwt',
      jwks_uri: 'https://bois-joli.example/jwks.json',
      environment: 'bac_a_sable',
    });
    // Of two renewals at once, the one that read a secret already replaced changes nothing.
    expect(await replaceSecret(world.db, clientId, 'sha256$perime', { secret_hash: 'sha256$autre' })).toBe(false);

    const entries = await world.db
      .selectFrom('journal_entry')
      .select(['type', 'actor', 'subject'])
      .where('type', 'like', 'service_provider.%')
      .orderBy('seq')
      .execute();
    expect(entries).toEqual([
      { type: 'service_provider.secret_renewed', actor: 'requester:Paul.Roche@bois-joli.fr', subject: `service_provider:${clientId}` },
      { type: 'service_provider.secret_overlap_ended', actor: 'requester:ines.garnier@bois-joli.fr', subject: `service_provider:${clientId}` },
      { type: 'service_provider.keys_address_set', actor: 'requester:ines.garnier@bois-joli.fr', subject: `service_provider:${clientId}` },
    ]);
  });
});
