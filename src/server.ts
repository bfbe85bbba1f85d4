import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createProConnectService } from './agent/proconnect.service.js';
import { purgeExpiredOidcPayloads } from './authorization/oidc-adapter.js';
import { loadSigningKeys } from './signing/signing-keys.js';
import type { Config } from './config/config.js';
import { lockUntilCommit, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import { DatabaseSessionStore } from './db/session-store.js';
import { createDemoServiceProvider } from './dev/demo-sp/demo-sp.js';
import { loadClients, parseClient } from './dev/franceconnect/clients.js';
import { createLocalFranceConnect } from './dev/franceconnect/local-franceconnect.js';
import { loadPersonas } from './dev/franceconnect/personas.js';
import { createLocalProConnect, loadAgents } from './dev/proconnect/local-proconnect.js';
import { createSandbox } from './dev/sandbox/sandbox.js';
import { createFranceConnectService } from './franceconnect/franceconnect.service.js';
import { createDataCipher } from './crypto/data-cipher.js';
import { createGateway } from './gateway/gateway.service.js';
import { createJustificatifSigner, createJustificatifVerifier } from './signing/jws.js';
import { purgeExpiredJustificatifs } from './justificatif/retention.js';
import { createApp } from './http/app.js';
import { type OpenPort, openPort } from './http/listen.js';
import { createJournal } from './journal/journal.js';
import { createOidcConnector } from './oidc-client/connector.js';
import { createRegistry } from './registry/registry.service.js';
import { applySeed } from './registry/seed.js';
import { createApiParticulierClient } from './sources/api-particulier.client.js';
import { createSourceFetcher } from './sources/source-fetcher.js';

export interface RunningServices {
  portal: OpenPort;
  franceconnect: OpenPort | undefined;
  proconnect: OpenPort | undefined;
  sandbox: OpenPort | undefined;
  demoServiceProvider: OpenPort | undefined;
  stop(): Promise<void>;
}

const SESSION_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The composition root: opens the database, builds the real adapters, starts the local upstreams outside
 * production, and serves. Ports may be opened by the caller beforehand (tests use port 0).
 */
export async function startServices(
  config: Config,
  logger: Logger,
  ports: { portal?: OpenPort; franceconnect?: OpenPort; proconnect?: OpenPort; sandbox?: OpenPort; demoServiceProvider?: OpenPort } = {},
): Promise<RunningServices> {
  const franceconnect = config.localUpstreams.enabled ? await startLocalFranceConnect(config, logger, ports.franceconnect) : undefined;

  const sandbox = config.localUpstreams.enabled ? await startSandbox(config, logger, ports.sandbox) : undefined;
  const proconnect = config.localUpstreams.enabled ? await startLocalProConnect(config, logger, ports.proconnect) : undefined;

  const db = openDatabase(config.database, (error) =>
    logger.warn({ err: error }, 'connexion à la base de données perdue ; une nouvelle sera ouverte'),
  );
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations appliquées');

  const { app, purgeTimer } = await composeApp(config, db, logger);
  const portal = ports.portal ?? (await openPort(config.http.host, config.http.port));
  portal.attach(app);
  logger.info({ url: config.http.publicUrl }, 'portail démarré');

  const demoServiceProvider = config.localUpstreams.enabled ? await startDemoServiceProvider(config, logger, ports.demoServiceProvider) : undefined;

  return {
    portal,
    franceconnect,
    proconnect,
    sandbox,
    demoServiceProvider,
    async stop() {
      purgeTimer.stop();
      await Promise.all([portal.close(), franceconnect?.close(), proconnect?.close(), sandbox?.close(), demoServiceProvider?.close()]);
      await db.destroy();
    },
  };
}

async function startLocalFranceConnect(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
  const settings = config.localUpstreams.franceconnect;
  const fcLogger = logger.child({ upstream: 'franceconnect-local' });
  const portalClient = parseClient({
    client_id: config.franceconnect.clientId,
    client_secret: config.franceconnect.clientSecret,
    client_name: 'Passerelle Particulier',
    redirect_uris: [config.franceconnect.redirectUri],
    post_logout_redirect_uris: [config.franceconnect.postLogoutRedirectUri],
    signing_alg: config.franceconnect.signingAlg,
  });
  const app = await createLocalFranceConnect({
    issuer: config.franceconnect.issuer,
    clients: [portalClient, ...(settings.clientsFile === undefined ? [] : loadClients(settings.clientsFile))],
    personas: loadPersonas(settings.personasFile),
    subSecret: settings.subSecret,
    slowTokenMs: settings.slowTokenMs,
    warn: (message) => fcLogger.warn(message),
  });
  const opened = port ?? (await openPort(config.http.host, settings.port));
  opened.attach(app);
  logger.info({ issuer: config.franceconnect.issuer }, 'FranceConnect local démarré');
  return opened;
}

async function startDemoServiceProvider(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
  const settings = config.demoServiceProvider;
  const app = createDemoServiceProvider({
    url: settings.url,
    issuer: config.authorization.issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    log: logger.child({ upstream: 'fournisseur-de-service-demo' }),
  });
  const opened = port ?? (await openPort(config.http.host, settings.port));
  opened.attach(app);
  logger.info({ url: settings.url }, 'fournisseur de service de démonstration démarré');
  return opened;
}

async function startSandbox(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
  const opened = port ?? (await openPort(config.http.host, config.localUpstreams.sandboxPort));
  opened.attach(createSandbox({ token: config.sources.apiParticulierToken }));
  logger.info({ url: config.sources.apiParticulierUrl }, 'bac à sable API Particulier démarré');
  return opened;
}

/** Builds the portal's app and its real adapters on an open, migrated database. */
export async function composeApp(config: Config, db: Kysely<Database>, logger: Logger): Promise<{ app: Express; purgeTimer: { stop: () => void } }> {
  const registryOptions = { allowLocalHttp: config.env !== 'production' };
  const registry = createRegistry(db, registryOptions);
  const { seedFile } = config.registry;
  if (seedFile !== undefined) {
    // Nodes starting together apply the seed one after the other, each seeing what the previous one wrote.
    const seeded = await db.transaction().execute(async (trx) => {
      await lockUntilCommit(trx, 'seed');
      return applySeed(createRegistry(trx, registryOptions), seedFile, {
        DEMO_SP_URL: config.demoServiceProvider.url,
        PUBLIC_URL: config.http.publicUrl,
      });
    });
    logger.info({ file: seedFile, serviceProviders: seeded.serviceProviders }, 'fichier d’amorçage appliqué');
  }
  const signingKeys = await loadSigningKeys(db, config.authorization.jwks);
  const journal = createJournal(db);
  const sign = await createJustificatifSigner(signingKeys, config.http.publicUrl);

  const cipher = createDataCipher(Buffer.from(config.dataEncryptionKey, 'base64url'));
  const sessionStore = new DatabaseSessionStore(db, cipher);
  const purge = () =>
    Promise.all([sessionStore.purgeExpired(), purgeExpiredOidcPayloads(db)]).catch((error) =>
      logger.error({ err: error }, 'purge des données expirées impossible'),
    );
  await purge();
  const sessionTimer = setInterval(purge, SESSION_PURGE_INTERVAL_MS).unref();
  const retention = () =>
    purgeExpiredJustificatifs(db, journal)
      .then((count) => count > 0 && logger.info({ count }, 'justificatifs arrivés à échéance effacés'))
      .catch((error) => logger.error({ err: error }, 'purge des justificatifs impossible'));
  await retention();
  const retentionTimer = setInterval(retention, config.retention.purgeIntervalMinutes * 60 * 1000).unref();
  const purgeTimer = { stop: () => [sessionTimer, retentionTimer].forEach(clearInterval) };

  const connector = createOidcConnector({
    issuer: config.franceconnect.issuer,
    clientId: config.franceconnect.clientId,
    clientSecret: config.franceconnect.clientSecret,
    signingAlg: config.franceconnect.signingAlg,
    timeoutMs: config.franceconnect.timeoutMs,
    usePkce: false,
  });
  const app = createApp({
    config,
    db,
    logger,
    sessionStore,
    franceconnect: createFranceConnectService(connector, config.franceconnect),
    registry,
    signingKeys,
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
    cipher,
    sign,
    gateway: createGateway({
      db,
      cipher,
      sign,
      verifySignature: createJustificatifVerifier(signingKeys, config.http.publicUrl),
      pairwiseSecret: config.authorization.pairwiseSecret,
      portalUrl: config.http.publicUrl,
      fetcher: createSourceFetcher(
        createApiParticulierClient({
          baseUrl: config.sources.apiParticulierUrl,
          token: config.sources.apiParticulierToken,
          timeoutMs: config.sources.timeoutMs,
        }),
        { failureThreshold: 5, openMs: 30_000 },
        logger.child({ component: 'sources' }),
        (outcome) =>
          journal.append({
            type: 'source.fetched',
            actor: 'system',
            subject: `source:${outcome.api}`,
            data: { status: outcome.status, http: outcome.httpStatus ?? null, requestId: outcome.requestId },
          }),
      ),
    }),
    journal,
  });
  return { app, purgeTimer };
}

async function startLocalProConnect(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
  const app = await createLocalProConnect({
    issuer: config.proconnect.issuer,
    client: {
      clientId: config.proconnect.clientId,
      clientSecret: config.proconnect.clientSecret,
      redirectUri: config.proconnect.redirectUri,
      postLogoutRedirectUri: config.proconnect.postLogoutRedirectUri,
    },
    agents: loadAgents(config.localUpstreams.agentsFile),
  });
  const opened = port ?? (await openPort(config.http.host, config.localUpstreams.proconnectPort));
  opened.attach(app);
  logger.info({ issuer: config.proconnect.issuer }, 'ProConnect local démarré');
  return opened;
}
