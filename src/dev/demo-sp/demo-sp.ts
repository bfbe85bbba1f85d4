import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import session from 'express-session';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { useViews } from '../../http/views.js';

export interface DemoServiceProviderOptions {
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  log: Logger;
}

export const DEMO_SCOPES = 'openid cnaf_quotient_familial cnaf_enfants';

declare module 'express-session' {
  interface SessionData {
    demo: { state: string; nonce: string; codeVerifier: string };
    demoAccessToken: string;
  }
}

const callbackQuery = z.object({ error: z.string().optional(), error_description: z.string().optional() });

/**
 * "Mairie d'Exempleville — tarif de la cantine scolaire": a service provider written as any would be, with
 * openid-client from the portal's discovery document. It is also the example the README gives integrators.
 */
export function createDemoServiceProvider(options: DemoServiceProviderOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  useViews(app, { serviceName: 'Mairie d’Exempleville', serviceTagline: 'Tarif de la cantine scolaire (service de démonstration)' }, { cache: true });
  app.use(
    session({
      name: 'demo_sp_session',
      secret: randomBytes(32).toString('hex'),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );

  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, {
        execute: options.issuer.startsWith('http://') ? [oidc.allowInsecureRequests] : [],
        timeout: 5,
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
  const redirectUri = `${options.url}/callback`;
  // The portal's base address, where its data API and its JWKS live.
  const portal = options.issuer.replace(/\/oidc$/, '');
  const portalKeys = createRemoteJWKSet(new URL(`${portal}/.well-known/jwks.json`));

  /** Fetches the justificatif with the access token and checks its signature before believing a word of it. */
  const fetchJustificatif = async (accessToken: string) => {
    const response = await fetch(`${portal}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/jwt' } });
    if (!response.ok) {
      const body = (await response.json().catch(() => undefined)) as { errors?: Array<{ code: string; detail: string }> } | undefined;
      const error = body?.errors?.[0];
      throw new Error(
        error === undefined ? `le portail a répondu ${response.status}` : `${error.detail} (code ${error.code}, HTTP ${response.status})`,
      );
    }
    const { payload } = await jwtVerify(await response.text(), portalKeys, { issuer: portal, audience: options.clientId, typ: 'justificatif+jwt' });
    return payload as unknown as {
      id: string;
      elements: Array<{ scope: string; libelle: string; statut: string; explication: string | null; donnees: Record<string, unknown> | null }>;
    };
  };

  const showJustificatif = async (res: express.Response, accessToken: string, context: { granted: string[]; sub: string | undefined }) => {
    const justificatif = await fetchJustificatif(accessToken);
    const qf = justificatif.elements.find((element) => element.scope === 'cnaf_quotient_familial')?.donnees?.quotient_familial as
      | { valeur?: number }
      | undefined;
    res.render('dev/demo-sp/resultat.njk', { ...context, justificatif, quotientFamilial: qf?.valeur, accessToken, portal });
  };

  app.get('/', (_req, res) => res.render('dev/demo-sp/accueil.njk'));

  app.get('/connexion', async (req, res) => {
    const config = await configuration();
    const demo = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    req.session.demo = demo;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: DEMO_SCOPES,
      state: demo.state,
      nonce: demo.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(demo.codeVerifier),
      code_challenge_method: 'S256',
    });
    res.redirect(303, url.href);
  });

  app.get('/callback', async (req, res) => {
    const demo = req.session.demo;
    delete req.session.demo;
    const query = callbackQuery.parse(req.query);
    if (query.error === 'access_denied') return res.render('dev/demo-sp/refus.njk');
    if (query.error !== undefined || demo === undefined) {
      return res.status(400).render('dev/demo-sp/erreur.njk', { detail: query.error ?? 'aucune demande en cours' });
    }
    const currentUrl = new URL(req.originalUrl, options.url);
    const tokens = await oidc.authorizationCodeGrant(await configuration(), currentUrl, {
      pkceCodeVerifier: demo.codeVerifier,
      expectedState: demo.state,
      expectedNonce: demo.nonce,
      idTokenExpected: true,
    });
    const granted = (tokens.scope ?? '').split(' ').filter((scope) => scope !== 'openid');
    req.session.demoAccessToken = tokens.access_token;
    await showJustificatif(res, tokens.access_token, { granted, sub: tokens.claims()?.sub });
  });

  // "Relire le justificatif": what a service does when it comes back to the file later, with the same token.
  app.get('/relire', async (req, res) => {
    const token = req.session.demoAccessToken;
    if (token === undefined) return res.redirect(303, '/');
    await showJustificatif(res, token, { granted: [], sub: undefined });
  });

  const handleError: ErrorRequestHandler = (error, _req, res, _next) => {
    options.log.warn({ err: error }, 'échec côté fournisseur de service de démonstration');
    res.status(502).render('dev/demo-sp/erreur.njk', { detail: error instanceof Error ? error.message : String(error) });
  };
  app.use(handleError);
  return app;
}
