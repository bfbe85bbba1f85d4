import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { errors } from 'oidc-provider';
import { useViews } from '../../http/views.js';
import { checkTokenRoute, type DataProviderRegistration } from './checktoken.js';
import type { LocalClient } from './clients.js';
import { discoveryDocument } from './discovery.js';
import { AUTHORIZE_PARAMS_ERROR, BAD_REQUEST_ERROR, FC_MESSAGES, type FcErrorPage, fcErrorView, NOT_FOUND_ERROR } from './fc-errors.js';
import { interactionRoutes } from './interactions.js';
import { generateSigningKeys } from './keys.js';
import type { Persona } from './personas.js';
import { createFranceConnectProvider } from './provider.js';
import { authorizeViolation, logoutViolation, pickAcr } from './request-params.js';

export interface LocalFranceConnectOptions {
  issuer: string;
  clients: LocalClient[];
  personas: Persona[];
  /** Data providers allowed to check citizens' tokens (POST /checktoken). */
  dataProviders: DataProviderRegistration[];
  /** How the sign-in page names each data scope (FranceConnect shows them before the person consents). */
  dataScopeLabels?: ReadonlyMap<string, string>;
  subSecret: string;
  slowTokenMs: number;
  warn: (message: string) => void;
}

// Paths oidc-provider serves below the issuer; anything else is FranceConnect's 404 page.
const PROVIDER_PATHS = /^\/(authorize(\/[\w-]+)?|token|token\/revocation|userinfo|session\/end(\/confirm|\/success)?)$/;

/** A local FranceConnect v2 "low" platform, faithful on the wire, for development and tests. Never in production. */
export async function createLocalFranceConnect(options: LocalFranceConnectOptions): Promise<Express> {
  const { issuer } = options;
  const mountPath = new URL(issuer).pathname;
  const app = express();
  app.disable('x-powered-by');
  const views = useViews(app, { serviceName: 'FranceConnect', serviceTagline: 'Plateforme locale de développement' }, { cache: true });
  const render = (view: string, context: object) => views.render(view, context);
  const showError = (res: express.Response, page: FcErrorPage) => res.status(page.status).render('errors/error.njk', fcErrorView(page));

  const keys = await generateSigningKeys();
  const personas = new Map(options.personas.map((p) => [p.login, p]));
  const provider = createFranceConnectProvider({ ...options, personas, keys, render, dataScopes: options.dataProviders.flatMap((dp) => dp.scopes) });
  const dataScopes = [...new Set(options.dataProviders.flatMap((dp) => dp.scopes))];
  const discovery = discoveryDocument(issuer, dataScopes);

  const checkParams =
    (violationOf: typeof authorizeViolation, page: FcErrorPage): RequestHandler =>
    (req, res, next) => {
      const params = req.method === 'POST' ? ((req.body as Record<string, unknown>) ?? {}) : req.query;
      const violation = violationOf(params);
      if (violation === undefined) {
        // The real platform only checks that state is present; its documentation asks for 22 characters or more.
        if (typeof params.state === 'string' && params.state.length < 22) options.warn('state de moins de 22 caractères : accepté mais non conforme');
        return next();
      }
      options.warn(`requête refusée (${page.code}) : ${violation}`);
      showError(res, page);
    };

  const router = express.Router();
  router.get('/', (_req, res) => res.redirect(301, 'https://franceconnect.gouv.fr'));
  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('cache-control', 'public, max-age=600').json(discovery);
  });
  router.get('/jwks', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=600');
    res.setHeader('content-type', 'application/jwk-set+json');
    res.end(JSON.stringify(keys.publicJwks));
  });
  // FranceConnect replaces acr_values by the level it picked before its OIDC engine runs; a level above eidas1 is
  // kept, and refused by redirect when the sign-in starts. A POST is handed over as the equivalent GET because
  // oidc-provider reads raw bodies itself.
  const forwardAuthorize: RequestHandler = (req, _res, next) => {
    const params = new URLSearchParams((req.method === 'POST' ? req.body : req.query) as Record<string, string>);
    const acr = pickAcr(params.get('acr_values') ?? undefined);
    if (acr === 'eidas1') params.set('acr_values', acr);
    req.method = 'GET';
    req.url = `/authorize?${params}`;
    next();
  };
  router.get('/authorize', checkParams(authorizeViolation, AUTHORIZE_PARAMS_ERROR), forwardAuthorize);
  router.post(
    '/authorize',
    express.urlencoded({ extended: false, limit: '16kb' }),
    checkParams(authorizeViolation, AUTHORIZE_PARAMS_ERROR),
    forwardAuthorize,
  );
  router.get('/session/end', checkParams(logoutViolation, BAD_REQUEST_ERROR));
  // FranceConnect's browser endpoints answer errors with its HTML page whatever the Accept header says.
  router.use(['/authorize', '/session/end'], (req, _res, next) => {
    req.headers.accept = 'text/html';
    next();
  });
  router.post(
    '/checktoken',
    ...checkTokenRoute({ issuer, provider, personas, keys, dataProviders: options.dataProviders, subSecret: options.subSecret }),
  );
  router.use('/interaction', interactionRoutes(provider, personas, issuer, options.dataScopeLabels ?? new Map()));
  router.use((req, res, next) => (PROVIDER_PATHS.test(req.path) ? next() : showError(res, NOT_FOUND_ERROR)));
  router.use(provider.callback());

  app.use(mountPath, router);
  app.use((_req, res) => showError(res, NOT_FOUND_ERROR));
  const handleError: ErrorRequestHandler = (error, _req, res, _next) => {
    if (error instanceof errors.SessionNotFound) {
      return showError(res, {
        status: 400,
        code: 'Y190001',
        message: 'Votre session a expiré ou est invalide, fermez l’onglet de votre navigateur et reconnectez-vous.',
      });
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return showError(res, BAD_REQUEST_ERROR);
    options.warn(`erreur interne : ${error instanceof Error ? error.message : String(error)}`);
    showError(res, { status: 500, code: 'Y000500', message: FC_MESSAGES.generic });
  };
  app.use(handleError);
  return app;
}
