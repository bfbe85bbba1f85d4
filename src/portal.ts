import express, { type Express } from 'express';
import { MemoryStore } from 'express-rate-limit';
import type session from 'express-session';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { agentRoutes } from './agent/agent.routes.js';
import { createAgentSpace } from './agent/agent-space.js';
import { createDashboard } from './agent/dashboard.js';
import { dashboardView } from './agent/dashboard.view-model.js';
import type { ProConnectService } from './agent/proconnect.service.js';
import { authorizationSessionEnder, createAuthorizationServer } from './authorization/authorization-server.js';
import { clientAuthFailureLimit } from './authorization/client-auth-limit.js';
import { clientLoaderFrom } from './authorization/client-metadata.js';
import { createGrants } from './authorization/grants.js';
import { habilitationGuard } from './authorization/habilitation-guard.js';
import { interactionRoutes } from './authorization/interaction.routes.js';
import { createOidcStorage } from './authorization/oidc-adapter.js';
import { createCitizenSpace } from './citizen/citizen-space.js';
import { citizenSpaceRoutes } from './citizen/citizen-space.routes.js';
import { homeRoutes } from './citizen/home.routes.js';
import type { Config } from './config/config.js';
import type { BlindIndex } from './crypto/blind-index.js';
import type { DataCipher } from './crypto/data-cipher.js';
import type { Pseudonyms } from './crypto/pseudonyms.js';
import type { Database } from './db/schema.js';
import { forgetCitizen } from './franceconnect/citizen-session.js';
import { franceconnectRoutes } from './franceconnect/franceconnect.routes.js';
import { apiDocumentationView } from './gateway/api-documentation.js';
import { dataApiRoutes } from './gateway/data-api.routes.js';
import { openApiDocument } from './gateway/openapi.js';
import type { Platforms } from './gateway/platforms.js';
import { verificationRoutes } from './gateway/verification.routes.js';
import { API_ERRORS, sendApiError } from './http/api-errors.js';
import { exposeCsrfToken } from './http/csrf.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { httpLogger } from './http/logger.js';
import { apiHeaders, noStore, securityHeaders } from './http/security.js';
import { sessionMiddleware } from './http/session.js';
import { requireValidHost } from './http/valid-host.js';
import { useViews } from './http/views.js';
import { informationRoutes } from './information/information.routes.js';
import type { Journal } from './journal/journal.js';
import { createJustificatifs } from './justificatif/justificatifs.js';
import type { EventOutbox } from './notifications/event-outbox.js';
import { createHabilitationRequests } from './onboarding/habilitation-requests.js';
import { createInstructors } from './onboarding/instructors.js';
import { onboardingRoutes } from './onboarding/onboarding.routes.js';
import { createServiceCredentials } from './onboarding/service-credentials.js';
import type { Registry } from './registry/registry.service.js';
import { createRegistry } from './registry/registry.service.js';
import { publicJwks, type Signer, type Verifier } from './signing/jws.js';
import type { PrivateJwks } from './signing/signing-keys.js';
import { statisticsRoutes } from './statistics/statistics.routes.js';
import { createTransmissions } from './transmission/transmission.js';

/** What the portal is made of, built by the composition root (server.ts) from the configuration. */
export interface PortalDependencies {
  config: Config;
  db: Kysely<Database>;
  logger: Logger;
  sessionStore: session.Store;
  registry: Registry;
  journal: Journal;
  signingKeys: PrivateJwks;
  cipher: DataCipher;
  blindIndex: BlindIndex;
  sign: Signer;
  verify: Verifier;
  pseudonyms: Pseudonyms;
  /** FranceConnect and the data providers: production's, and the test platform's for the services in « bac à sable ». */
  platforms: Platforms;
  proconnect: ProConnectService;
  /** Events for service providers, delivered to their registered address. */
  events: EventOutbox;
}

export const PORTAL_BRANDING = {
  serviceName: 'Passerelle Particulier',
  serviceTagline: 'Vos informations, transmises entre administrations',
};

/**
 * The portal's HTTP side as a function of its parts: the authorization server and the services that depend on it,
 * then every feature's routes, in the order requests meet them. Nothing here reads the environment or listens.
 */
export function createPortal(deps: PortalDependencies): Express {
  const { config, db, logger, registry, journal, pseudonyms } = deps;
  const production = config.env === 'production';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.http.trustProxy);

  app.use(httpLogger(logger));
  // Machines first: the data API and the public keys answer JSON with headers fixed once, without helmet's per-request
  // nonce, the templates or the static files in their way. Filled below, once the authorization server exists.
  const machineRoutes = express.Router();
  app.use(machineRoutes);
  const signInOrigins = [
    config.franceconnect.issuer,
    config.testPlatform?.franceconnect.issuer ?? config.franceconnect.issuer,
    config.proconnect.issuer,
  ];
  app.use(securityHeaders({ production, formTargets: [...new Set(signInOrigins.map((issuer) => new URL(issuer).origin))] }));
  // Templates are re-read on each request only in development, where they are being edited.
  const views = useViews(app, PORTAL_BRANDING, { cache: config.env !== 'development' });
  app.use(noStore);
  app.use(requireValidHost);
  app.use(healthRoutes(db));

  const oidcStorage = createOidcStorage(db, clientLoaderFrom(registry), deps.cipher, config.lookupCacheMs);
  const provider = createAuthorizationServer({
    issuer: config.authorization.issuer,
    storage: oidcStorage,
    keys: deps.signingKeys,
    cookieKeys: config.authorization.cookieKeys,
    pairwiseSubject: pseudonyms.pairwiseSubject,
    secureCookies: production,
    sessionMaxSeconds: config.session.maxHours * 3600,
    endPortalSession: forgetCitizen,
    trustProxy: config.http.trustProxy > 0,
    allowInternalKeyAddresses: !production,
    views,
    logger,
  });
  const grants = createGrants(provider);
  const justificatifs = createJustificatifs({
    db,
    cipher: deps.cipher,
    sign: deps.sign,
    verify: deps.verify,
    journal,
    pairwiseSubject: pseudonyms.pairwiseSubject,
    portalUrl: config.http.publicUrl,
    grants,
    blindIndex: deps.blindIndex,
    events: deps.events,
  });
  const transmissions = createTransmissions({ db, grants, justificatifs, journal });

  // Machines and anonymous readers: no session.
  const servedEnvironments = (['production', 'bac_a_sable'] as const).filter((environment) => deps.platforms[environment] !== undefined);
  app.all('/oidc/auth', ...habilitationGuard(registry, config.authorization.issuer, servedEnvironments));
  app.use('/oidc/token', clientAuthFailureLimit(config.clientAuthFailuresPerMinute));
  // The one authorization server page that changes the portal's session: confirming a sign-out (endPortalSession).
  const sessions = sessionMiddleware(config.session, deps.sessionStore);
  app.post('/oidc/session/end/confirm', sessions);
  app.use('/oidc', provider.callback());
  // Each service's API calls of the current minute: counted by the data API's limit, read by the dashboard.
  const apiRateLimitStore = new MemoryStore();
  machineRoutes.use(
    dataApiRoutes({
      accessTokenContext: oidcStorage.accessToken,
      justificatifs,
      journal,
      jwks: publicJwks(deps.signingKeys),
      openapi: openApiDocument(config.http.publicUrl),
      requestsPerMinute: config.apiRateLimitPerMinute,
      rateLimitStore: apiRateLimitStore,
      habilitationInForce: async (clientId) => (await registry.activeHabilitation(clientId)) !== undefined,
      headers: apiHeaders({ production }),
    }),
  );
  app.get('/api/documentation', (_req, res) => res.render('api/documentation.njk', apiDocumentationView(config.http.publicUrl)));
  app.use(['/api', '/v3'], (_req, res) => sendApiError(res, API_ERRORS.notFound));
  app.use(verificationRoutes({ justificatifs, registry, journal, checksPerMinute: config.formRateLimitPerMinute }));
  app.use(statisticsRoutes(db));
  app.use(informationRoutes(config));

  // People: a session, CSRF tokens, the signed-in citizen or agent shown in the header.
  app.use(sessions);
  app.use(exposeCsrfToken, (req, res, next) => {
    res.locals.citizen = req.session.citizen;
    // Agent pages show the agent; citizen pages the citizen, even in a browser signed in as both.
    res.locals.agent = req.path.startsWith('/agents') ? req.session.agent : undefined;
    next();
  });
  app.use(homeRoutes());
  app.use(interactionRoutes({ provider, registry, platforms: deps.platforms, transmissions, journal }, config.formRateLimitPerMinute));
  app.use(
    citizenSpaceRoutes({
      space: createCitizenSpace({ db, transmissions, justificatifs, registry, agentNumber: pseudonyms.agentNumber }),
      justificatifs,
    }),
  );
  // One dashboard for the agents' administrators and for each service's staff in /fournisseurs.
  const dashboard = createDashboard({
    db,
    registry,
    apiRateLimit: {
      perMinute: config.apiRateLimitPerMinute,
      thisMinute: async (clientId) => (await apiRateLimitStore.get(clientId))?.totalHits ?? 0,
    },
  });
  app.use(
    agentRoutes({
      db,
      space: createAgentSpace({ db, registry, justificatifs, journal, citizenOfOrganisation: pseudonyms.citizenOfOrganisation }),
      dashboard,
      proconnect: deps.proconnect,
      publicUrl: config.http.publicUrl,
      cookieName: config.session.cookieName,
      formRateLimitPerMinute: config.formRateLimitPerMinute,
    }),
  );
  const allowLocalHttp = !production;
  const registryWithin = (trx: Kysely<Database>) => createRegistry(trx, { allowLocalHttp });
  app.use(
    onboardingRoutes({
      requests: createHabilitationRequests({ db, journal, registry, registryWithin, cipher: deps.cipher, allowLocalHttp }),
      credentials: createServiceCredentials({ db, journal, registry, registryWithin }),
      serviceActivity: async (organisationId, clientId) => {
        const [procedure] = await dashboard(organisationId, clientId);
        return procedure === undefined ? undefined : dashboardView(procedure, Date.now());
      },
      allowLocalHttp,
      sandboxServed: deps.platforms.bac_a_sable !== undefined,
      instructors: createInstructors(db, config.instructorEmails),
      registry,
      proconnect: deps.proconnect,
      cookieName: config.session.cookieName,
      formRateLimitPerMinute: config.formRateLimitPerMinute,
    }),
  );
  app.use(
    franceconnectRoutes({
      platforms: deps.platforms,
      callbackPath: new URL(config.franceconnect.redirectUri).pathname,
      postLogoutPath: new URL(config.franceconnect.postLogoutRedirectUri).pathname,
      cookieName: config.session.cookieName,
      formRateLimitPerMinute: config.formRateLimitPerMinute,
      endAuthorizationSession: authorizationSessionEnder(provider),
    }),
  );

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
