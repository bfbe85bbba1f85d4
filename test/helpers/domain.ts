import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createBlindIndex } from '../../src/crypto/blind-index.js';
import { createDataCipher } from '../../src/crypto/data-cipher.js';
import { createPseudonyms } from '../../src/crypto/pseudonyms.js';
import { tokenDigest } from '../../src/crypto/token-digest.js';
import type { Database } from '../../src/db/schema.js';
import { createLogger } from '../../src/http/logger.js';
import { createJournal } from '../../src/journal/journal.js';
import { createJustificatifs, type GrantRevocation } from '../../src/justificatif/justificatifs.js';
import { createEventOutbox } from '../../src/notifications/event-outbox.js';
import { webhookPoster } from '../../src/notifications/webhook-delivery.js';
import { addMonths } from '../../src/registry/habilitation.js';
import { createRegistry } from '../../src/registry/registry.service.js';
import { createSigner, createVerifier } from '../../src/signing/jws.js';
import { generateSigningKey } from '../../src/signing/signing-keys.js';
import type { SourceOutcome } from '../../src/sources/source-fetcher.js';
import { createTransmissions, type GrantIssuer } from '../../src/transmission/transmission.js';
import { temporaryDatabase } from './database.js';

export const PORTAL_URL = 'https://passerelle.example.gouv.fr';

/**
 * The authorization server's part in the domain's unit tests: grants kept in memory, with the access tokens a test
 * says were issued under each. The real one (authorization/grants.ts) runs in the end-to-end suites.
 */
export function memoryGrants() {
  const grants = new Map<string, { citizenSub: string; clientId: string; scopes: string[]; tokens: string[] }>();
  const revoked: string[] = [];
  const port: GrantIssuer & GrantRevocation = {
    async issue(citizenSub, clientId, scopes) {
      const id = randomUUID();
      grants.set(id, { citizenSub, clientId, scopes, tokens: [] });
      return id;
    },
    async revokeGrant(grantId) {
      const tokens = grants.get(grantId)?.tokens ?? [];
      grants.delete(grantId);
      return tokens.map(tokenDigest);
    },
    async forgetGrant(grantId) {
      revoked.push(grantId);
    },
  };
  return { port, grants, revoked };
}

/** What the quotient familial source answers for Lucie Fontaine: found, with her children. */
export const QF_FOUND: SourceOutcome = {
  api: 'quotient_familial',
  status: 'ok',
  httpStatus: 200,
  data: {
    quotient_familial: { fournisseur: 'CNAF', valeur: 742, annee: 2026, mois: 10 },
    allocataires: [{ nom_naissance: 'FONTAINE', prenoms: 'Lucie', date_naissance: '1988-02-11', sexe: 'F' }],
    enfants: [{ nom_naissance: 'FONTAINE', prenoms: 'Jules', date_naissance: '2017-06-03', sexe: 'M' }],
    adresse: { numero_libelle_voie: '4 rue des Tilleuls', code_postal_ville: '44000 NANTES' },
  },
  fetchedAt: Date.UTC(2026, 10, 20, 9, 30),
  requestId: 'req-qf-1',
  via: 'identite',
};

/** The same source out of service. */
export const QF_DOWN: SourceOutcome = {
  api: 'quotient_familial',
  status: 'unavailable',
  fetchedAt: Date.UTC(2026, 10, 20, 9, 30),
  requestId: 'req-qf-2',
  via: 'identite',
};

/**
 * A real migrated database with one organisation, its service provider (a school canteen) and a habilitation in
 * force, and the domain's services built on it as the portal builds them.
 */
export async function domainWorld(options: { clientId?: string; siret?: string; name?: string } = {}) {
  const database = await temporaryDatabase();
  const { db } = database;
  const registry = createRegistry(db, { allowLocalHttp: true });
  const journal = createJournal(db, randomBytes(32));
  const keys = { keys: [await generateSigningKey('ES256')] };
  const pseudonyms = createPseudonyms(randomBytes(32).toString('hex'));
  const grants = memoryGrants();
  const cipher = createDataCipher(randomBytes(32));
  const blindIndex = createBlindIndex(randomBytes(32));
  const sign = await createSigner(keys, PORTAL_URL);
  const events = createEventOutbox({
    db,
    registry,
    sign,
    journal,
    post: webhookPoster(2000, { allowInternalAddresses: true }),
    logger: createLogger('silent'),
    leaseMs: 10_000,
  });
  const justificatifs = createJustificatifs({
    db,
    cipher,
    sign,
    events,
    verify: createVerifier(keys, PORTAL_URL),
    journal,
    pairwiseSubject: pseudonyms.pairwiseSubject,
    portalUrl: PORTAL_URL,
    grants: grants.port,
    blindIndex,
  });
  const transmissions = createTransmissions({ db, grants: grants.port, justificatifs, journal });

  const serviceProvider = async (spec: { clientId: string; siret: string; name: string; procedure: string }) => {
    await registry.upsertOrganisation({ siret: spec.siret, name: spec.name });
    await registry.createServiceProvider({
      siret: spec.siret,
      clientId: spec.clientId,
      displayName: spec.name,
      procedureName: spec.procedure,
      redirectUris: ['http://localhost:4990/retour'],
      clientSecret: randomBytes(24).toString('hex'),
    });
    await registry.grantHabilitation({
      clientId: spec.clientId,
      scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
      purpose: 'Calculer le tarif de la cantine scolaire selon le quotient familial.',
      legalBasis: 'Délibération du conseil municipal sur les tarifs de la restauration scolaire',
      legalReference: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006390222',
      retentionDays: 365,
      validUntil: addMonths(Date.now(), 12),
    });
    const request = await registry.dataRequest(spec.clientId, ['cnaf_quotient_familial', 'cnaf_enfants']);
    if (request === undefined) throw new Error('habilitation absente');
    return request;
  };

  const request = await serviceProvider({
    clientId: options.clientId ?? 'cantine-bellerive',
    siret: options.siret ?? '21999999900010',
    name: options.name ?? 'Mairie de Bellerive',
    procedure: 'Tarif de la cantine',
  });

  return {
    db: db as Kysely<Database>,
    registry,
    journal,
    pseudonyms,
    grants,
    cipher,
    blindIndex,
    justificatifs,
    transmissions,
    request,
    serviceProvider,
    events,
    /** Where the database is: another connection, as another process would open it. */
    url: database.url,
    /** The portal's signing keys: what its published JWKS holds. */
    keys,
    sign,
    async remove() {
      await events.settled();
      await database.remove();
    },
  };
}

export type DomainWorld = Awaited<ReturnType<typeof domainWorld>>;
