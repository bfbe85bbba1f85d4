import type { Response } from 'express';
import express, { type Express } from 'express';
import type session from 'express-session';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { agentRoutes } from '../agent/agent.routes.js';
import type { ProConnectService } from '../agent/proconnect.service.js';
import { createAuthorizationServer } from '../authorization/authorization-server.js';
import { clientLoaderFrom } from '../authorization/client-metadata.js';
import { habilitationGuard } from '../authorization/habilitation-guard.js';
import { interactionRoutes } from '../authorization/interaction.routes.js';
import { StorageUnavailable } from '../authorization/oidc-adapter.js';
import type { PrivateJwks } from '../signing/signing-keys.js';
import { APIS } from '../catalogue/apis.js';
import { CATALOGUE_SCOPES } from '../catalogue/catalogue.js';
import { citizenSpaceRoutes } from '../citizen/citizen-space.routes.js';
import { homeRoutes } from '../citizen/home.routes.js';
import { createWithdrawal, withdrawnAt } from '../citizen/withdrawal.service.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import { franceconnectRoutes } from '../franceconnect/franceconnect.routes.js';
import type { FranceConnectService } from '../franceconnect/franceconnect.service.js';
import { dataApiRoutes } from '../gateway/data-api.routes.js';
import type { DataCipher } from '../crypto/data-cipher.js';
import type { Gateway } from '../gateway/gateway.service.js';
import type { JustificatifSigner } from '../signing/jws.js';
import { publicJwks } from '../signing/jws.js';
import { openApiDocument } from '../gateway/openapi.js';
import { verificationRoutes } from '../gateway/verification.routes.js';
import type { Journal } from '../journal/journal.js';
import type { Registry } from '../registry/registry.service.js';
import { statisticsRoutes } from '../statistics/statistics.routes.js';
import { API_ERRORS, sendApiError } from './api-errors.js';
import { exposeCsrfToken } from './csrf.js';
import { errorHandler, errorView, notFound } from './error-handler.js';
import { healthRoutes } from './health.routes.js';
import { httpLogger } from './logger.js';
import type { ErrorCode } from '../wording/messages.fr.js';
import { securityHeaders } from './security.js';
import { sessionMiddleware } from './session.js';
import { useViews } from './views.js';

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  logger: Logger;
  sessionStore: session.Store;
  franceconnect: FranceConnectService;
  registry: Registry;
  signingKeys: PrivateJwks;
  gateway: Gateway;
  journal: Journal;
  proconnect: ProConnectService;
  cipher: DataCipher;
  sign: JustificatifSigner;
}

export const PORTAL_BRANDING = {
  serviceName: 'Passerelle Particulier',
  serviceTagline: 'Vos informations, transmises entre administrations',
};

// oidc-provider's error codes that have their own page; any other means the service provider's request is wrong.
const OIDC_ERROR_PAGES: Partial<Record<string, ErrorCode>> = {
  invalid_client: 'DEMANDE-002',
  invalid_redirect_uri: 'DEMANDE-002',
  temporarily_unavailable: 'HTTP-503',
  server_error: 'HTTP-500',
};

/** The portal as a function of its dependencies: nothing here reads the environment or listens. */
export function createApp({
  config,
  db,
  logger,
  sessionStore,
  franceconnect,
  registry,
  signingKeys,
  gateway,
  journal,
  proconnect,
  cipher,
  sign,
}: AppDependencies): Express {
  const production = config.env === 'production';
  const formTargets = [new URL(config.franceconnect.issuer).origin, new URL(config.proconnect.issuer).origin];
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);

  app.use(httpLogger(logger));
  app.use(securityHeaders({ production, formTargets }));
  // Templates are re-read on each request only in development, where they are being edited.
  const views = useViews(app, PORTAL_BRANDING, { cache: config.env !== 'development' });
  app.use(healthRoutes(db));

  const issuer = config.authorization.issuer;
  const provider = createAuthorizationServer({
    issuer,
    db,
    loadClient: clientLoaderFrom(registry),
    keys: signingKeys,
    cookieKeys: config.authorization.cookieKeys,
    pairwiseSecret: config.authorization.pairwiseSecret,
    secureCookies: production,
    renderError: (ctx, error) => {
      const code = OIDC_ERROR_PAGES[error] ?? 'DEMANDE-004';
      const res = ctx.res as Response;
      const view = errorView(code, { requestId: String(res.req?.id ?? '') });
      ctx.status = view.status;
      ctx.type = 'html';
      ctx.body = views.render('errors/error.njk', { ...view, cspNonce: res.locals?.cspNonce });
    },
  });
  provider.proxy = config.http.trustProxy > 0;
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'erreur du serveur d’autorisation'));
  // A refused request is the client's doing (a warning); a database out of reach is ours to fix (an error).
  const refused = (message: string) => (_ctx: unknown, error: Error) =>
    error instanceof StorageUnavailable
      ? logger.error({ err: error.cause }, 'base de données injoignable')
      : logger.warn({ error: error.message }, message);
  provider.on('authorization.error', refused('demande d’autorisation refusée'));
  provider.on('grant.error', refused('échange de jeton refusé'));
  provider.on('userinfo.error', refused('demande userinfo refusée'));
  provider.on('revocation.error', refused('révocation de jeton refusée'));
  provider.on('end_session.error', refused('demande de déconnexion refusée'));
  provider.on('end_session_confirm.error', refused('confirmation de déconnexion refusée'));
  provider.on('end_session_success.error', refused('fin de déconnexion refusée'));
  app.all('/oidc/auth', ...habilitationGuard(registry, issuer));
  app.use('/oidc', provider.callback());

  app.use(
    dataApiRoutes({
      provider,
      gateway,
      journal,
      jwks: publicJwks(signingKeys),
      openapi: openApiDocument(config.http.publicUrl),
      requestsPerMinute: config.apiRateLimitPerMinute,
      withdrawnAt: (token) => withdrawnAt(db, token),
      habilitationInForce: async (clientId) => (await registry.activeHabilitation(clientId)) !== undefined,
    }),
  );
  app.get('/api/documentation', (_req, res) =>
    res.render('api/documentation.njk', { scopes: CATALOGUE_SCOPES, v3Routes: APIS.flatMap((api) => api.franceConnectRoute ?? []) }),
  );
  app.use(['/api', '/v3'], (_req, res) => sendApiError(res, 404, API_ERRORS.notFound));
  app.use(verificationRoutes(db, gateway));
  app.use(statisticsRoutes(db));

  app.use(sessionMiddleware(config.session, sessionStore));
  app.use(exposeCsrfToken, (req, res, next) => {
    res.locals.citizen = req.session.citizen;
    // Agent pages show the agent; citizen pages the citizen, even in a browser signed in as both.
    res.locals.agent = req.path.startsWith('/agents') ? req.session.agent : undefined;
    next();
  });
  app.use(homeRoutes());
  app.use(interactionRoutes({ provider, registry, db, franceconnect, gateway, journal }, config.formRateLimitPerMinute));
  app.use(
    citizenSpaceRoutes({
      db,
      cipher,
      withdraw: createWithdrawal({ db, provider, cipher, sign, journal }),
      pseudonymSecret: config.authorization.pairwiseSecret,
    }),
  );
  app.use(
    agentRoutes({
      db,
      proconnect,
      gateway,
      journal,
      publicUrl: config.http.publicUrl,
      cookieName: config.session.cookieName,
      formRateLimitPerMinute: config.formRateLimitPerMinute,
      pseudonymSecret: config.authorization.pairwiseSecret,
    }),
  );
  app.use(
    franceconnectRoutes({
      service: franceconnect,
      callbackPath: new URL(config.franceconnect.redirectUri).pathname,
      postLogoutPath: new URL(config.franceconnect.postLogoutRedirectUri).pathname,
      cookieName: config.session.cookieName,
      formRateLimitPerMinute: config.formRateLimitPerMinute,
    }),
  );

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
