import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import session from 'express-session';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { useViews } from '../../http/views.js';
import { createDossiers } from './evenements.js';
import { type JustificatifRecu, jetonAbrege, jourEnFrancais, justificatifSchema, pageResultat, resultatDe } from './recu.js';
import { GRILLE_CANTINE, libelleTranche, prixEnEuros } from './tarif.js';

export interface DemoServiceProviderOptions {
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  log: Logger;
}

const HEURE = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

export const DEMO_SCOPES = 'openid cnaf_quotient_familial cnaf_enfants';

/**
 * The demo's two ways of asking, each its own client of the portal (seed/development.json): by identity, the
 * quotient familial and the children; with the citizen's FranceConnect token, the quotient familial or, without
 * one, the revenu fiscal de référence and the parts, from which the town computes its own quotient.
 */
export const DEMO_WAYS = {
  identite: { path: '', clientSuffix: '', scope: DEMO_SCOPES },
  franceconnect: {
    path: '/franceconnect',
    clientSuffix: '-franceconnect',
    scope: 'openid cnaf_quotient_familial dgfip_rfr dgfip_nbpart dgfip_annee_n_moins_2_si_indispo_n_moins_1',
  },
} as const;
type DemoWay = keyof typeof DEMO_WAYS;

declare module 'express-session' {
  interface SessionData {
    demo: { state: string; nonce: string; codeVerifier: string; way: DemoWay };
    /** What the service keeps to read the justificatif again: the access token, who it is about, and which client. */
    demoReceived: { accessToken: string; sub: string | undefined; scopes: string[]; way: DemoWay };
  }
}

const callbackQuery = z.object({ error: z.string().optional(), error_description: z.string().optional() });

/** The data API's answer after the citizen withdrew the data: 410, code 00410, the moment in `meta.retire_le`. */
const withdrawnAnswer = z.object({
  errors: z.array(z.object({ code: z.string().optional(), meta: z.object({ retire_le: z.string().optional() }).loose().nullish() }).loose()),
});

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The portal answered something the service cannot use: the technical detail is for the developer panel only. */
class PortalAnswerError extends Error {
  constructor(
    message: string,
    readonly answer?: string,
  ) {
    super(message);
  }
}

type Reading =
  | { kind: 'received'; justificatif: JustificatifRecu; document: Record<string, unknown> }
  | { kind: 'withdrawn'; at: Date | undefined; answer: string };

/** The technical details the developer panel shows; the family's pages never show them elsewhere. */
interface DeveloperDetails {
  justificatifId?: string;
  numero?: string;
  resultat?: string;
  resultatCalcule?: boolean;
  sub?: string;
  scopes?: string[];
  token?: string;
  curl?: string;
  elements?: JustificatifRecu['elements'];
  document?: string;
  answer?: string;
  detail?: string;
}

/**
 * "Mairie d’Exempleville — tarif de la cantine scolaire": a service provider written as any would be, with
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

  const discovered = new Map<DemoWay, Promise<oidc.Configuration>>();
  const clientIdOf = (way: DemoWay) => `${options.clientId}${DEMO_WAYS[way].clientSuffix}`;
  const configuration = (way: DemoWay) => {
    let found = discovered.get(way);
    if (found === undefined) {
      found = oidc
        .discovery(new URL(options.issuer), clientIdOf(way), options.clientSecret, undefined, {
          execute: options.issuer.startsWith('http://') ? [oidc.allowInsecureRequests] : [],
          timeout: 5,
        })
        .catch((error: unknown) => {
          discovered.delete(way);
          throw error;
        });
      discovered.set(way, found);
    }
    return found;
  };
  const redirectUriOf = (way: DemoWay) => `${options.url}${DEMO_WAYS[way].path}/callback`;
  // The portal's base address, where its data API and its JWKS live.
  const portal = options.issuer.replace(/\/oidc$/, '');
  const portalKeys = createRemoteJWKSet(new URL(`${portal}/.well-known/jwks.json`));
  const dossiers = createDossiers({ issuer: portal, audiences: Object.keys(DEMO_WAYS).map((way) => clientIdOf(way as DemoWay)), keys: portalKeys });

  /** Fetches the justificatif with the access token and checks its signature before believing a word of it. */
  const readJustificatif = async (accessToken: string, way: DemoWay): Promise<Reading> => {
    const response = await fetch(`${portal}/api/v1/justificatif`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/jwt' } });
    if (response.status === 410) {
      // The citizen withdrew the data: the service must stop using it, and tell the family in its own words.
      const answer = await response.text();
      const parsed = withdrawnAnswer.safeParse(parseJson(answer));
      const at = parsed.success ? parsed.data.errors[0]?.meta?.retire_le : undefined;
      const when = at === undefined ? undefined : new Date(at);
      return { kind: 'withdrawn', at: when === undefined || Number.isNaN(when.getTime()) ? undefined : when, answer };
    }
    if (!response.ok) throw new PortalAnswerError(`le portail a répondu HTTP ${response.status}`, await response.text());
    const { payload } = await jwtVerify(await response.text(), portalKeys, { issuer: portal, audience: clientIdOf(way), typ: 'justificatif+jwt' });
    const justificatif = justificatifSchema.safeParse(payload);
    if (!justificatif.success)
      throw new PortalAnswerError(`justificatif illisible : ${z.prettifyError(justificatif.error)}`, JSON.stringify(payload, null, 2));
    dossiers.recu(justificatif.data);
    return { kind: 'received', justificatif: justificatif.data, document: payload };
  };

  const showJustificatif = async (req: express.Request, res: express.Response) => {
    const received = req.session.demoReceived;
    if (received === undefined) return res.redirect(303, '/');
    const reading = await readJustificatif(received.accessToken, received.way);
    const who = { sub: received.sub, scopes: received.scopes, token: jetonAbrege(received.accessToken) };
    if (reading.kind === 'withdrawn') {
      // "Nous ne les avons plus": the service forgets its token as well.
      delete req.session.demoReceived;
      return res.render('dev/demo-sp/retrait.njk', {
        withdrawnOn: reading.at === undefined ? undefined : jourEnFrancais(reading.at),
        dev: { ...who, answer: reading.answer } satisfies DeveloperDetails,
      });
    }
    const { justificatif, document } = reading;
    const { resultat, calcule } = resultatDe(justificatif);
    res.render('dev/demo-sp/resultat.njk', {
      page: pageResultat(justificatif),
      dev: {
        ...who,
        justificatifId: justificatif.id,
        numero: justificatif.numero,
        resultat,
        resultatCalcule: calcule,
        curl: `curl -H "Authorization: Bearer ${received.accessToken}" ${portal}/api/v1/justificatif`,
        elements: justificatif.elements,
        document: JSON.stringify(document, null, 2),
      } satisfies DeveloperDetails,
    });
  };

  app.get('/', (_req, res) =>
    res.render('dev/demo-sp/accueil.njk', {
      grille: GRILLE_CANTINE.map((tranche) => ({ tranche: libelleTranche(tranche), prix: prixEnEuros(tranche.prixCentimes) })),
    }),
  );

  const startRequest = (way: DemoWay) => async (req: express.Request, res: express.Response) => {
    const config = await configuration(way);
    const demo = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), way };
    req.session.demo = demo;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUriOf(way),
      scope: DEMO_WAYS[way].scope,
      state: demo.state,
      nonce: demo.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(demo.codeVerifier),
      code_challenge_method: 'S256',
    });
    res.redirect(303, url.href);
  };

  const completeRequest = async (req: express.Request, res: express.Response) => {
    const demo = req.session.demo;
    delete req.session.demo;
    const query = callbackQuery.parse(req.query);
    // The citizen chose not to transmit: nothing was received, and the application is not refused for it.
    if (query.error === 'access_denied') return res.render('dev/demo-sp/refus.njk');
    if (query.error !== undefined || demo === undefined) {
      const detail =
        query.error === undefined
          ? 'aucune demande en cours dans cette session'
          : `error=${query.error}${query.error_description === undefined ? '' : ` (${query.error_description})`}`;
      return res.status(400).render('dev/demo-sp/erreur.njk', { dev: { detail } satisfies DeveloperDetails });
    }
    const currentUrl = new URL(req.originalUrl, options.url);
    const tokens = await oidc.authorizationCodeGrant(await configuration(demo.way), currentUrl, {
      pkceCodeVerifier: demo.codeVerifier,
      expectedState: demo.state,
      expectedNonce: demo.nonce,
      idTokenExpected: true,
    });
    const scopes = (tokens.scope ?? '').split(' ').filter((scope) => scope !== '' && scope !== 'openid');
    req.session.demoReceived = { accessToken: tokens.access_token, sub: tokens.claims()?.sub, scopes, way: demo.way };
    await showJustificatif(req, res);
  };

  for (const [way, { path }] of Object.entries(DEMO_WAYS) as Array<[DemoWay, (typeof DEMO_WAYS)[DemoWay]]>) {
    app.get(`${path}/connexion`, startRequest(way));
    app.get(`${path}/callback`, completeRequest);
  }

  // "Relire le justificatif": what a service does when it comes back to the file later, with the same token.
  app.get('/relire', showJustificatif);

  // Where the portal pushes its events (registered as this service's webhook_url): 202 once taken, 400 with the reason.
  app.post('/evenements', express.text({ type: 'application/secevent+jwt', limit: '64kb' }), async (req, res) => {
    const refus =
      typeof req.body === 'string' && req.body !== ''
        ? await dossiers.evenement(req.body)
        : ({ err: 'invalid_request', description: 'corps attendu : un jeton application/secevent+jwt' } as const);
    if (refus !== undefined) return res.status(400).json(refus);
    res.status(202).end();
  });

  // The town's side: the files received and what the portal said of them since.
  app.get('/dossiers', (_req, res) => {
    const moment = (date: Date | undefined) => (date === undefined ? undefined : `${jourEnFrancais(date)} à ${HEURE.format(date)}`);
    res.render('dev/demo-sp/dossiers.njk', {
      dossiers: dossiers.dossiers().map((dossier) => ({
        ...dossier,
        recuLe: moment(dossier.recuLe),
        retireLe: dossier.retireLe && jourEnFrancais(dossier.retireLe),
        retraitNotifieLe: moment(dossier.retraitNotifieLe),
      })),
      avis: dossiers.avis().map((avis) => ({ ...avis, finLe: jourEnFrancais(avis.finLe), recuLe: moment(avis.recuLe) })),
      recus: dossiers.recus().map((recu) => ({ ...recu, recuLe: moment(recu.recuLe) })),
    });
  });

  const handleError: ErrorRequestHandler = (error, _req, res, _next) => {
    options.log.warn({ err: error }, 'échec côté fournisseur de service de démonstration');
    const dev: DeveloperDetails = {
      detail: error instanceof Error ? error.message : String(error),
      answer: error instanceof PortalAnswerError ? error.answer : undefined,
    };
    res.status(502).render('dev/demo-sp/erreur.njk', { dev });
  };
  app.use(handleError);
  return app;
}
