import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { CatalogueApi } from '../catalogue/apis.js';
import { API_ERRORS, type ApiError, sendApiError } from '../http/api-errors.js';
import { type Route, routerFrom } from '../http/route-table.js';
import type { Journal } from '../journal/journal.js';
import type { JustificatifDocument } from '../justificatif/document.js';
import type { Justificatifs, ServedJustificatif } from '../justificatif/justificatifs.js';
import { V3_ROUTES, v3Answer } from './v3-answer.js';

interface TokenContext {
  clientId: string;
  grantId: string;
  scopes: Set<string>;
}

/** Whose a valid access token is, its grant and scopes; undefined for an unknown, expired or revoked one. */
type AccessTokenLookup = (token: string) => Promise<TokenContext | undefined>;

const tokenOf = (res: Response) => res.locals.token as TokenContext;

/** An answer refused to a known service, and why: recorded for the service's dashboard. */
type Refusal = (clientId: string, route: string, error: ApiError) => Promise<unknown>;

/** Checks the Bearer access token in process, against oidc-provider's own storage: expired or revoked tokens fail. */
export const requireAccessToken =
  (accessTokenContext: AccessTokenLookup, withdrawnToken: Justificatifs['withdrawnToken'], refused: Refusal): RequestHandler =>
  async (req, res, next) => {
    const match = /^Bearer ([\w.~+/-]+=*)$/.exec(req.get('authorization') ?? '');
    if (match?.[1] === undefined) return sendApiError(res, API_ERRORS.missingToken);
    const context = await accessTokenContext(match[1]);
    if (context === undefined) {
      // A token revoked because the citizen withdrew the data: say so, rather than "unknown token".
      const withdrawn = await withdrawnToken(match[1]);
      if (withdrawn !== undefined) {
        await refused(withdrawn.clientId, req.path, API_ERRORS.withdrawn);
        return sendApiError(res, API_ERRORS.withdrawn, { retire_le: new Date(withdrawn.at).toISOString() });
      }
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return sendApiError(res, API_ERRORS.invalidToken);
    }
    res.locals.token = context;
    next();
  };

/** A revoked or expired habilitation stops delivery at once, even of a justificatif consented to before. */
export const requireHabilitationInForce =
  (inForce: (clientId: string) => Promise<boolean>, refused: Refusal): RequestHandler =>
  async (req, res, next) => {
    const { clientId } = tokenOf(res);
    if (await inForce(clientId)) return next();
    await refused(clientId, req.path, API_ERRORS.habilitationEnded);
    sendApiError(res, API_ERRORS.habilitationEnded);
  };

export interface DataApiOptions {
  accessTokenContext: AccessTokenLookup;
  justificatifs: Pick<Justificatifs, 'forServiceProvider' | 'withdrawnToken'>;
  journal: Journal;
  jwks: unknown;
  openapi: unknown;
  requestsPerMinute: number;
  /** Where each service's calls of the current minute are counted: the dashboard reads it too. */
  rateLimitStore: Store;
  habilitationInForce: (clientId: string) => Promise<boolean>;
  /** The headers every answer of these routes carries (they are served before the pages' security middleware). */
  headers: RequestHandler;
}

/** The API service providers call with the access token they got: the signed justificatif, and v3 routes. */
export function dataApiRoutes({
  accessTokenContext,
  justificatifs,
  journal,
  jwks,
  openapi,
  requestsPerMinute,
  rateLimitStore,
  habilitationInForce,
  headers,
}: DataApiOptions) {
  const recordFetch = (clientId: string, document: JustificatifDocument, route: string, status: number) =>
    journal.append({
      type: 'justificatif.fetched',
      actor: `sp:${clientId}`,
      subject: `justificatif:${document.id}`,
      data: { route, status, procedure: document.destinataire.demarche, producers: [...new Set(document.elements.map((e) => e.producteur))] },
    });
  const refused: Refusal = (clientId, route, error) =>
    journal.append({ type: 'api.refused', actor: `sp:${clientId}`, data: { route, status: error.status, code: error.code } });
  const token = [headers, requireAccessToken(accessTokenContext, justificatifs.withdrawnToken, refused)];
  const perClient = rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    // API Particulier's own headers (RateLimit-Limit, -Remaining, -Reset), which its clients already read; draft 8's
    // also hashed the client's identifier on every call.
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    keyGenerator: (_req, res) => tokenOf(res).clientId,
    store: rateLimitStore,
    handler: (_req, res) => sendApiError(res, API_ERRORS.rateLimited),
  });

  // After the rate limit: a service calling in a loop after its habilitation ended is slowed before it is journaled.
  const inForce = requireHabilitationInForce(habilitationInForce, refused);

  /** The justificatif the token opens; otherwise the error is answered and nothing is returned. */
  const served = async (req: Request, res: Response): Promise<Extract<ServedJustificatif, { state: 'valid' }> | undefined> => {
    const { clientId, grantId } = tokenOf(res);
    const found = await justificatifs.forServiceProvider(grantId, clientId);
    if (found?.state === 'valid') return found;
    const error = found === undefined ? API_ERRORS.noJustificatif : API_ERRORS.withdrawn;
    await refused(clientId, req.path, error);
    sendApiError(res, error, found === undefined ? undefined : { retire_le: new Date(found.at).toISOString() });
    return undefined;
  };

  const justificatif: RequestHandler = async (req, res) => {
    const { clientId } = tokenOf(res);
    const found = await served(req, res);
    if (found === undefined) return;
    await recordFetch(clientId, found.document, req.path, 200);
    if (req.accepts(['application/json', 'application/jwt']) === 'application/jwt') {
      res.type('application/jwt').send(found.jws);
      return;
    }
    res.json({ justificatif: found.document, signature: found.jws });
  };

  const v3Route =
    (api: CatalogueApi): RequestHandler =>
    async (req, res) => {
      const { clientId, scopes } = tokenOf(res);
      const found = await served(req, res);
      if (found === undefined) return;
      const answer = v3Answer(api, found.document, scopes);
      await recordFetch(clientId, found.document, req.path, answer.status);
      res
        .status(answer.status)
        .type(answer.status === 200 ? 'application/vnd.api+json' : 'application/json')
        .send(JSON.stringify(answer.body));
    };

  const routes: Route[] = [
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      guards: [headers],
      handler: (_req, res) => void res.set('cache-control', 'public, max-age=600').json(jwks),
    },
    { method: 'get', path: '/api/openapi.json', guards: [headers], handler: (_req, res) => void res.json(openapi) },
    { method: 'get', path: '/api/v1/justificatif', guards: [...token, perClient, inForce], handler: justificatif },
    ...V3_ROUTES.map(({ api, path }) => ({ method: 'get' as const, path, guards: [...token, perClient, inForce], handler: v3Route(api) })),
  ];
  const router = routerFrom(routes);
  // A server error on the data API counts against the gateway's availability in the public statistics.
  router.use((async (error, req, _res, next) => {
    await journal.append({ type: 'api.error', actor: 'system', data: { route: req.path } }).catch(() => undefined);
    next(error);
  }) satisfies ErrorRequestHandler);
  return router;
}
