import express, { type Express } from 'express';
import type session from 'express-session';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { homeRoutes } from '../citizen/home.routes.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import { franceconnectRoutes } from '../franceconnect/franceconnect.routes.js';
import type { FranceConnectService } from '../franceconnect/sign-in.service.js';
import { exposeCsrfToken } from './csrf.js';
import { errorHandler, notFound } from './error-handler.js';
import { healthRoutes } from './health.routes.js';
import { httpLogger } from './logger.js';
import { securityHeaders } from './security.js';
import { sessionMiddleware } from './session.js';
import { useViews } from './views.js';

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  logger: Logger;
  sessionStore: session.Store;
  franceconnect: FranceConnectService;
}

export const PORTAL_BRANDING = {
  serviceName: 'Passerelle Particulier',
  serviceTagline: 'Vos informations, transmises entre administrations',
};

/** The portal as a function of its dependencies: nothing here reads the environment or listens. */
export function createApp({ config, db, logger, sessionStore, franceconnect }: AppDependencies): Express {
  const production = config.env === 'production';
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);

  app.use(httpLogger(logger));
  app.use(securityHeaders({ production, formTargets: [new URL(config.franceconnect.issuer).origin] }));
  useViews(app, PORTAL_BRANDING, { cache: production });
  app.use(healthRoutes(db));

  app.use(sessionMiddleware(config.session, sessionStore));
  app.use(exposeCsrfToken, (req, res, next) => {
    res.locals.citizen = req.session.citizen;
    next();
  });
  app.use(homeRoutes());
  app.use(
    franceconnectRoutes({
      service: franceconnect,
      callbackPath: new URL(config.franceconnect.redirectUri).pathname,
      postLogoutPath: new URL(config.franceconnect.postLogoutRedirectUri).pathname,
      cookieName: config.session.cookieName,
    }),
  );

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
