import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { SCOPES } from '../catalogue/scopes.js';
import type { Config } from '../config/config.js';
import { type OpenPort, openPort } from '../http/listen.js';
import { localDataProviders } from './data-providers.js';
import { createDemoServiceProvider } from './demo-sp/demo-sp.js';
import { IDENTITY_SCOPES, loadClients, parseClient } from './franceconnect/clients.js';
import { createLocalFranceConnect } from './franceconnect/local-franceconnect.js';
import { loadPersonas } from './franceconnect/personas.js';
import { createMailCatcherApp } from './mail-catcher/mail-catcher.app.js';
import { createMessageStore } from './mail-catcher/message-store.js';
import { startSmtpReceiver } from './mail-catcher/smtp-receiver.js';
import { createLocalProConnect, loadAgents } from './proconnect/local-proconnect.js';
import { createTokenChecker, generateEncryptionKeys } from './sandbox/franceconnect-token.js';
import { createSandbox } from './sandbox/sandbox.js';

/**
 * The local upstreams of development: FranceConnect, ProConnect, the API Particulier sandbox, the demo service
 * provider and the mail catcher. The composition root loads this module with import() outside production only, so that none of it is
 * ever in the production graph. Ports may be opened by the caller beforehand (tests use port 0).
 */

/** `sandboxOrigin`: where the sandbox publishes the key FranceConnect encrypts its token checks to. */
export async function startLocalFranceConnect(config: Config, logger: Logger, port: OpenPort | undefined, sandboxOrigin: string): Promise<OpenPort> {
  const settings = config.localUpstreams.franceconnect;
  const fcLogger = logger.child({ upstream: 'franceconnect-local' });
  const dataProviders = localDataProviders(settings.subSecret);
  const portalClient = parseClient({
    client_id: config.franceconnect.clientId,
    client_secret: config.franceconnect.clientSecret,
    client_name: 'Passerelle Particulier',
    redirect_uris: [config.franceconnect.redirectUri],
    post_logout_redirect_uris: [config.franceconnect.postLogoutRedirectUri],
    signing_alg: config.franceconnect.signingAlg,
    // The portal asks for the data scopes of the APIs it calls with the citizen's token.
    scope: [IDENTITY_SCOPES, ...dataProviders.flatMap((dp) => dp.scopes)].join(' '),
  });
  const app = await createLocalFranceConnect({
    issuer: config.franceconnect.issuer,
    clients: [portalClient, ...(settings.clientsFile === undefined ? [] : loadClients(settings.clientsFile))],
    personas: loadPersonas(settings.personasFile),
    dataProviders: dataProviders.map((dp) => ({ ...dp, jwksUri: `${sandboxOrigin}/api/france_connect_jwks` })),
    dataScopeLabels: new Map(SCOPES.map((entry) => [entry.scope, entry.title])),
    subSecret: settings.subSecret,
    slowTokenMs: settings.slowTokenMs,
    warn: (message) => fcLogger.warn(message),
  });
  const opened = port ?? (await openPort(config.http.host, settings.port));
  opened.attach(app);
  logger.info({ issuer: config.franceconnect.issuer }, 'FranceConnect local démarré');
  return opened;
}

export async function startLocalProConnect(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
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

export async function startSandbox(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
  const opened = port ?? (await openPort(config.http.host, config.localUpstreams.sandboxPort));
  const encryption = await generateEncryptionKeys();
  opened.attach(
    createSandbox({
      token: config.sources.apiParticulierToken,
      franceConnect: {
        checker: createTokenChecker({ issuer: config.franceconnect.issuer, encryption }),
        encryption,
        clients: localDataProviders(config.localUpstreams.franceconnect.subSecret),
        impotParticulierPortal: config.sources.impotParticulier,
      },
    }),
  );
  logger.info({ url: config.sources.apiParticulierUrl }, 'bac à sable API Particulier démarré');
  return opened;
}

export async function startDemoServiceProvider(config: Config, logger: Logger, port: OpenPort | undefined): Promise<OpenPort> {
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

export interface RunningMailCatcher {
  web: OpenPort;
  /** Where the portal sends its mail: the catcher's SMTP port, known once listening (tests use port 0). */
  smtpUrl: string;
  close(): Promise<void>;
}

export async function startMailCatcher(config: Config, logger: Logger, port: OpenPort | undefined): Promise<RunningMailCatcher> {
  const settings = config.localUpstreams.mailCatcher;
  const catcherLogger = logger.child({ upstream: 'collecteur-de-courriels' });
  const store = createMessageStore();
  const web = port ?? (await openPort(config.http.host, settings.webPort));
  const smtp = await startSmtpReceiver(store, {
    host: config.http.host,
    port: settings.smtpPort,
    onError: (error) => catcherLogger.warn({ err: error }, 'connexion SMTP interrompue'),
  });
  web.attach(createMailCatcherApp(store));
  // A wildcard address is not one to connect to: the portal, on the same machine, uses the loopback.
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host === '::' ? '::1' : config.http.host;
  const smtpUrl = `smtp://${isIPv6(host) ? `[${host}]` : host}:${smtp.port}`;
  logger.info({ url: web.origin, smtp: smtpUrl }, 'collecteur de courriels local démarré');
  return {
    web,
    smtpUrl,
    close: async () => {
      await Promise.all([web.close(), smtp.close()]);
    },
  };
}
