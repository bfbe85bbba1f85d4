import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Journal } from '../journal/journal.js';
import { MAX_SECRET_OVERLAP_DAYS } from '../registry/client-secret.js';
import { type Registry, RegistryError } from '../registry/registry.service.js';
import type { ServiceProviderRow } from '../registry/service-provider.repository.js';
import { DAY_MS } from '../wording/dates.fr.js';
import type { Requester } from './habilitation-requests.js';
import { rawForm } from './request-form.js';

/** The overlaps a service may choose when it renews its secret, in days; 0 stops the old secret at once. */
export const SECRET_OVERLAP_CHOICES = [0, 7, MAX_SECRET_OVERLAP_DAYS] as const;

export interface ServiceCredentialsDependencies {
  db: Kysely<Database>;
  journal: Journal;
  registry: Pick<Registry, 'findServiceProvider' | 'forget'>;
  /** The registry inside a transaction: a change and its journal entry are written together. */
  registryWithin: (trx: Kysely<Database>) => Pick<Registry, 'rotateSecret' | 'endSecretOverlap' | 'useKeysAt'>;
  now?: () => number;
}

/**
 * A service's credentials, managed by its own staff in /fournisseurs: renewing the secret with an overlap, ending the
 * overlap, moving to keys published at an address. Anyone of the organisation sees the service; only the two people
 * its approved request names for it (who asked, and the technical contact) may change what authenticates it.
 */
export function createServiceCredentials({ db, journal, registry, registryWithin, now = Date.now }: ServiceCredentialsDependencies) {
  /** A service of the person's organisation; the same refusal for any other as for none. */
  const ownService = async (person: Requester, clientId: string): Promise<ServiceProviderRow> => {
    const service = await registry.findServiceProvider(clientId);
    if (service === undefined || service.organisation_siret !== person.siret)
      throw new AppError('DEMANDE-HAB-001', 'service d’une autre organisation');
    return service;
  };

  /** The e-mails of who may change a service's credentials: none for a service registered by the portal's operators. */
  const keepersOf = async (clientId: string): Promise<string[]> => {
    const request = await db
      .selectFrom('habilitation_request')
      .select(['form', 'requester_email'])
      .where('client_id', '=', clientId)
      // The request that created the service: a first one (« bac à sable ») or a passage into production.
      .where('kind', 'in', ['initiale', 'production'])
      .where('state', '=', 'validee')
      .executeTakeFirst();
    if (request === undefined) return [];
    const technical = rawForm.parse(JSON.parse(request.form)).contact_technique_email;
    return [...new Set([request.requester_email, technical].map((email) => email.trim().toLowerCase()))].filter((email) => email.includes('@'));
  };

  /** A service of the person's organisation that this person may change (and ask production for); SERVICE-001 else. */
  const keeperService = async (person: Requester, clientId: string) => {
    const service = await ownService(person, clientId);
    if (!(await keepersOf(clientId)).includes(person.email.toLowerCase()))
      throw new AppError('SERVICE-001', 'identifiants changés par un autre que le demandeur ou le contact technique');
    return service;
  };

  /** A change to the service and its journal entry in one transaction; this node forgets what it read of the service. */
  const changed = async <T>(
    person: Requester,
    service: ServiceProviderRow,
    type: 'service_provider.secret_renewed' | 'service_provider.secret_overlap_ended' | 'service_provider.keys_address_set',
    change: (within: ReturnType<typeof registryWithin>) => Promise<T>,
    data: (result: T) => Record<string, unknown>,
  ): Promise<T> => {
    const result = await db
      .transaction()
      .execute(async (trx) => {
        const done = await change(registryWithin(trx));
        await journal.append(
          {
            type,
            actor: `requester:${person.email}`,
            organisationId: service.organisation_id,
            subject: `service_provider:${service.client_id}`,
            data: { clientId: service.client_id, ...data(done) },
          },
          trx,
        );
        return done;
      })
      .catch((error: unknown) => {
        // The registry's refusals (no overlap left to end, an address it does not take) are a step not possible now.
        throw error instanceof RegistryError ? new AppError('SERVICE-002', error.message) : error;
      });
    registry.forget();
    return result;
  };

  return {
    ownService,
    keeperService,
    /** Whether this person may change the service's credentials. */
    mayChange: async (person: Requester, clientId: string) => (await keepersOf(clientId)).includes(person.email.toLowerCase()),

    /** A new secret, shown once by the caller; the old one stays valid for `overlapDays` (one of SECRET_OVERLAP_CHOICES). */
    async renewSecret(person: Requester, clientId: string, overlapDays: (typeof SECRET_OVERLAP_CHOICES)[number]) {
      const service = await keeperService(person, clientId);
      const until = overlapDays === 0 ? undefined : now() + overlapDays * DAY_MS;
      return changed(
        person,
        service,
        'service_provider.secret_renewed',
        (within) => within.rotateSecret(clientId, until),
        (rotated) => ({ previousUntil: rotated.previousUntil ?? null }),
      );
    },

    async endOverlap(person: Requester, clientId: string) {
      const service = await keeperService(person, clientId);
      await changed(
        person,
        service,
        'service_provider.secret_overlap_ended',
        (within) => within.endSecretOverlap(clientId),
        () => ({}),
      );
    },

    async useKeysAt(person: Requester, clientId: string, jwksUri: string) {
      const service = await keeperService(person, clientId);
      return changed(
        person,
        service,
        'service_provider.keys_address_set',
        (within) => within.useKeysAt(clientId, jwksUri),
        (uri) => ({ jwksUri: uri }),
      );
    },
  };
}

export type ServiceCredentials = ReturnType<typeof createServiceCredentials>;
