import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { sendDailyDigests } from './agent/daily-digest.js';
import { createProConnectService } from './agent/proconnect.service.js';
import { purgeExpiredOidcPayloads } from './authorization/oidc-adapter.js';
import type { Config } from './config/config.js';
import { type BlindIndex, createBlindIndex } from './crypto/blind-index.js';
import { createDataCipher, type DataCipher } from './crypto/data-cipher.js';
import { createPseudonyms } from './crypto/pseudonyms.js';
import { lockUntilCommit, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import { DatabaseSessionStore } from './db/session-store.js';
import { createFranceConnectService } from './franceconnect/franceconnect.service.js';
import { createGateway } from './gateway/gateway.service.js';
import type { Platform, Platforms } from './gateway/platforms.js';
import { type OpenPort, openPort } from './http/listen.js';
import { type Anchoring, createAnchoring } from './journal/anchors.js';
import { createJournal, type Journal } from './journal/journal.js';
import { indexForSearch } from './justificatif/justificatifs.js';
import { purgeExpiredJustificatifs } from './justificatif/retention.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { createEventOutbox, type EventOutbox } from './notifications/event-outbox.js';
import { mailExpiryNotices, noticeExpiringHabilitations } from './notifications/expiry-notices.js';
import { WEBHOOK_TIMEOUT_MS, webhookPoster } from './notifications/webhook-delivery.js';
import { createOidcConnector } from './oidc-client/connector.js';
import { habilitationContacts } from './onboarding/habilitation-requests.js';
import { createPortal } from './portal.js';
import { createRegistry, type Registry } from './registry/registry.service.js';
import { applySeed, seedVariables } from './registry/seed.js';
import { createSigner, createVerifier } from './signing/jws.js';
import { loadSigningKeys } from './signing/signing-keys.js';
import { createApiParticulierClient } from './sources/api-particulier.client.js';
import { createImpotParticulierClient } from './sources/impot-particulier.client.js';
import { createSourceFetcher } from './sources/source-fetcher.js';

export interface RunningServices {
  portal: OpenPort;
  franceconnect: OpenPort | undefined;
  proconnect: OpenPort | undefined;
  sandbox: OpenPort | undefined;
  demoServiceProvider: OpenPort | undefined;
  mailCatcher: { web: OpenPort; smtpUrl: string } | undefined;
  /** Sends through SMTP_URL, else through the local mail catcher when it runs, else sends nothing (and said so at start). */
  mailer: Mailer;
  /** Anchors of the journal's head, taken at start, at every interval and at stop. */
  anchoring: Anchoring;
  stop(): Promise<void>;
}

const SESSION_PURGE_INTERVAL_MS = 10 * 60 * 1000;
// Events leave as soon as they are recorded (deliverSoon); the rounds bring the retries and what another node recorded.
const EVENT_ROUND_MS = 15 * 1000;
// The daily e-mails go out in the first round after 7:00 (Paris); a round is cheap when nobody is due.
const DIGEST_ROUND_MS = 15 * 60 * 1000;

export interface Ports {
  portal?: OpenPort;
  franceconnect?: OpenPort;
  proconnect?: OpenPort;
  sandbox?: OpenPort;
  demoServiceProvider?: OpenPort;
  mailCatcher?: OpenPort;
}

/**
 * The composition root of a single process: opens the database, builds the real adapters, starts the local upstreams
 * outside production, and serves. Ports may be opened by the caller beforehand (tests use port 0). Several processes
 * on one port (WEB_CONCURRENCY) are put together from the same pieces in workers.ts.
 */
export async function startServices(config: Config, logger: Logger, ports: Ports = {}): Promise<RunningServices> {
  const upstreams = await startLocalUpstreams(config, logger, ports);
  const mailer = createPortalMailer(config, logger, upstreams.mailCatcher?.smtpUrl);
  const node = await startPortalNode(config, logger, { port: ports.portal, mailer, maintenance: true });
  const demoServiceProvider = await upstreams.startDemoServiceProvider(ports.demoServiceProvider);
  return {
    ...upstreams,
    portal: node.portal,
    demoServiceProvider,
    mailer,
    anchoring: node.anchoring,
    async stop() {
      await Promise.all([node.stop(), upstreams.stop(), demoServiceProvider?.close()]);
    },
  };
}

/**
 * The local upstreams of development, none in production: they are loaded only when asked, never part of
 * production's code. The demo service provider starts last, once the portal it signs in with is serving.
 */
export async function startLocalUpstreams(config: Config, logger: Logger, ports: Ports = {}) {
  const local = config.localUpstreams.enabled ? await import('./dev/local-upstreams.js') : undefined;
  const sandbox = await local?.startSandbox(config, logger, ports.sandbox);
  const franceconnect = sandbox && (await local?.startLocalFranceConnect(config, logger, ports.franceconnect, sandbox.origin));
  const proconnect = await local?.startLocalProConnect(config, logger, ports.proconnect);
  const mailCatcher = await local?.startMailCatcher(config, logger, ports.mailCatcher);
  return {
    sandbox,
    franceconnect,
    proconnect,
    mailCatcher,
    startDemoServiceProvider: async (port?: OpenPort) => local?.startDemoServiceProvider(config, logger, port),
    async stop() {
      await Promise.all([franceconnect?.close(), proconnect?.close(), sandbox?.close(), mailCatcher?.close()]);
    },
  };
}

/** Sends through SMTP_URL, else through the local mail catcher when it runs, else sends nothing (and says so). */
export const createPortalMailer = (config: Config, logger: Logger, mailCatcherUrl: string | undefined): Mailer =>
  createMailer(
    { url: config.mail.smtpUrl ?? mailCatcherUrl, from: config.mail.from, requireTls: config.mail.requireTls },
    logger.child({ component: 'mail' }),
  );

/** The database, migrated to the latest schema. */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Kysely<Database>> {
  const db = openDatabase(config.database, (error) =>
    logger.warn({ err: error }, 'connexion à la base de données perdue ; une nouvelle sera ouverte'),
  );
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations appliquées');
  return db;
}

export interface PortalNode {
  portal: OpenPort;
  anchoring: Anchoring;
  /** Stops listening, then the timers, anchors the journal (when this node keeps it) and closes the database. */
  stop(): Promise<void>;
}

/**
 * One process serving the portal. `maintenance`: whether this process also runs the periodic work (seed, purges,
 * retention, anchors, daily e-mails); among the processes of one machine, one does.
 */
export async function startPortalNode(
  config: Config,
  logger: Logger,
  options: { port?: OpenPort; mailer: Mailer; maintenance: boolean },
): Promise<PortalNode> {
  const db = await openMigratedDatabase(config, logger);
  const { app, purgeTimer, anchoring, events } = await composeApp(config, db, logger, options.mailer, { maintenance: options.maintenance });
  // Several processes listening on one port share it through node:cluster, which hands each connection to one of them.
  const portal = options.port ?? (await openPort(config.http.host, config.http.port));
  portal.attach(app);
  logger.info({ url: config.http.publicUrl }, 'portail démarré');
  return {
    portal,
    anchoring,
    async stop() {
      await portal.close();
      purgeTimer.stop();
      await events.settled();
      if (options.maintenance) await anchorJournal(anchoring, logger);
      await db.destroy();
    },
  };
}

/** Builds the portal's app and its real adapters on an open, migrated database. */
export async function composeApp(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
  /** What sends the agents' daily e-mails; without one, none is sent. */
  mailer?: Mailer,
  /** Whether this process runs the periodic work (see startPortalNode); tests' single apps do. */
  { maintenance }: { maintenance: boolean } = { maintenance: true },
): Promise<{ app: Express; purgeTimer: { stop: () => void }; anchoring: Anchoring; events: EventOutbox }> {
  const registryOptions = { allowLocalHttp: config.env !== 'production' };
  const registry = createRegistry(db, { ...registryOptions, lookupCacheMs: config.lookupCacheMs });
  const { seedFile } = config.registry;
  if (maintenance && seedFile !== undefined) {
    // Nodes starting together apply the seed one after the other, each seeing what the previous one wrote.
    const seeded = await db.transaction().execute(async (trx) => {
      await lockUntilCommit(trx, 'seed');
      return applySeed(createRegistry(trx, registryOptions), seedFile, seedVariables(config));
    });
    logger.info({ file: seedFile, serviceProviders: seeded.serviceProviders }, 'fichier d’amorçage appliqué');
  }
  const signingKeys = await loadSigningKeys(db, config.authorization.jwks);
  const journalKey = Buffer.from(config.journal.key, 'base64url');
  const journal = createJournal(db, journalKey);

  const dataKey = Buffer.from(config.dataEncryptionKey, 'base64url');
  const cipher = createDataCipher(dataKey);
  const blindIndex = createBlindIndex(dataKey);
  const sessionStore = new DatabaseSessionStore(db, cipher);
  const anchoring = createAnchoring({ db, key: journalKey, file: config.journal.anchorFile, logger });
  const sign = await createSigner(signingKeys, config.http.publicUrl);
  const events = createEventOutbox({
    db,
    registry,
    sign,
    journal,
    post: webhookPoster(WEBHOOK_TIMEOUT_MS, { allowInternalAddresses: config.env !== 'production' }),
    logger: logger.child({ component: 'notifications' }),
    leaseMs: 6 * WEBHOOK_TIMEOUT_MS,
  });
  const purgeTimer = maintenance
    ? await startPeriodicWork({ config, db, logger, mailer, registry, journal, sessionStore, anchoring, cipher, blindIndex, events })
    : { stop: () => undefined };

  /** FranceConnect and the data providers of one platform: production's, or the test one of the services in « bac à sable ». */
  const platform = (franceconnect: Config['franceconnect'], sources: Config['sources'], name: 'production' | 'bac_a_sable'): Platform => ({
    franceconnect: createFranceConnectService(
      createOidcConnector({
        issuer: franceconnect.issuer,
        clientId: franceconnect.clientId,
        clientSecret: franceconnect.clientSecret,
        signingAlg: franceconnect.signingAlg,
        timeoutMs: franceconnect.timeoutMs,
        usePkce: false,
      }),
      franceconnect,
    ),
    gateway: createGateway({
      fetcher: createSourceFetcher(
        createApiParticulierClient({ baseUrl: sources.apiParticulierUrl, token: sources.apiParticulierToken, timeoutMs: sources.timeoutMs }),
        { failureThreshold: 5, openMs: 30_000 },
        logger.child({ component: 'sources', platform: name }),
        (outcome) =>
          journal.append({
            type: 'source.fetched',
            actor: 'system',
            subject: `source:${outcome.api}`,
            data: {
              status: outcome.status,
              http: outcome.httpStatus ?? null,
              requestId: outcome.requestId,
              ...(name === 'production' ? {} : { platform: name }),
            },
          }),
        sources.impotParticulier && createImpotParticulierClient({ ...sources.impotParticulier, timeoutMs: sources.timeoutMs }),
      ),
    }),
  });
  const production = platform(config.franceconnect, config.sources, 'production');
  const { testPlatform } = config;
  // Outside production, unless told otherwise, the services in « bac à sable » share production's local upstreams.
  const platforms: Platforms = {
    production,
    bac_a_sable:
      testPlatform === undefined
        ? undefined
        : testPlatform.franceconnect === config.franceconnect && testPlatform.sources === config.sources
          ? production
          : platform(testPlatform.franceconnect, testPlatform.sources, 'bac_a_sable'),
  };
  const app = createPortal({
    config,
    db,
    logger,
    sessionStore,
    registry,
    journal,
    signingKeys,
    cipher,
    blindIndex,
    sign,
    events,
    verify: createVerifier(signingKeys, config.http.publicUrl),
    pseudonyms: createPseudonyms(config.authorization.pairwiseSecret),
    platforms,
    proconnect: createProConnectService(
      createOidcConnector({
        issuer: config.proconnect.issuer,
        clientId: config.proconnect.clientId,
        clientSecret: config.proconnect.clientSecret,
        signingAlg: 'ES256',
        timeoutMs: config.proconnect.timeoutMs,
        usePkce: true,
      }),
      config.proconnect,
    ),
  });
  return { app, purgeTimer, anchoring, events };
}

/**
 * What one process of a deployment's machine does besides serving: the search index of older justificatifs, purges of
 * expired sessions, OIDC payloads and justificatifs, anchors of the journal and the agents' daily e-mails, once at
 * start and then at intervals.
 */
async function startPeriodicWork(parts: {
  config: Config;
  db: Kysely<Database>;
  logger: Logger;
  mailer: Mailer | undefined;
  registry: Registry;
  journal: Journal;
  sessionStore: DatabaseSessionStore;
  anchoring: Anchoring;
  cipher: DataCipher;
  blindIndex: BlindIndex;
  events: EventOutbox;
}): Promise<{ stop: () => void }> {
  const { config, db, logger, mailer, registry, journal, sessionStore, anchoring, events } = parts;
  const indexed = await indexForSearch({ db, cipher: parts.cipher, blindIndex: parts.blindIndex });
  if (indexed > 0) logger.info({ count: indexed }, 'justificatifs antérieurs indexés pour la recherche des agents');
  const purge = () =>
    Promise.all([sessionStore.purgeExpired(), purgeExpiredOidcPayloads(db)]).catch((error) =>
      logger.error({ err: error }, 'purge des données expirées impossible'),
    );
  await purge();
  const sessionTimer = setInterval(purge, SESSION_PURGE_INTERVAL_MS).unref();
  const retention = () =>
    Promise.all([
      purgeExpiredJustificatifs(db, journal).then((count) => count > 0 && logger.info({ count }, 'justificatifs arrivés à échéance effacés')),
      events.purgeOld(),
    ]).catch((error) => logger.error({ err: error }, 'purge des justificatifs impossible'));
  await retention();
  const retentionTimer = setInterval(retention, config.retention.purgeIntervalMinutes * 60 * 1000).unref();
  await anchorJournal(anchoring, logger);
  const anchorTimer = setInterval(() => anchorJournal(anchoring, logger), config.journal.anchorIntervalMinutes * 60 * 1000).unref();
  const digests = () =>
    mailer === undefined
      ? undefined
      : sendDailyDigests({ db, registry, journal, mailer, publicUrl: config.http.publicUrl, logger }).catch((error) =>
          logger.error({ err: error }, 'envoi des courriels quotidiens impossible'),
        );
  const expiryNotices = () =>
    noticeExpiringHabilitations({ db, registry, outbox: events, journal })
      .then((count) => count > 0 && events.deliverSoon())
      .then(() =>
        mailer === undefined
          ? 0
          : mailExpiryNotices({
              db,
              registry,
              mailer,
              contactsOf: (id) => habilitationContacts(db, id),
              publicUrl: config.http.publicUrl,
              logger: logger.child({ component: 'notifications' }),
            }),
      )
      .catch((error) => logger.error({ err: error }, 'avis de fin d’habilitation impossibles à donner'));
  const dailyRound = () => Promise.all([digests(), expiryNotices()]);
  await expiryNotices();
  events.deliverSoon();
  const digestTimer = setInterval(dailyRound, DIGEST_ROUND_MS).unref();
  const eventTimer = setInterval(events.deliverSoon, EVENT_ROUND_MS).unref();
  return { stop: () => [sessionTimer, retentionTimer, anchorTimer, digestTimer, eventTimer].forEach(clearInterval) };
}

/** An anchor that cannot be written is an operator's problem to see at once, never a reason to stop serving. */
const anchorJournal = (anchoring: Anchoring, logger: Logger) =>
  anchoring.anchor().catch((error: unknown) => logger.error({ err: error }, 'ancre du journal impossible à écrire'));
