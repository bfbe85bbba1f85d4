import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type Response } from 'express';
import { z } from 'zod';
import { APIS } from '../../catalogue/apis.js';
import { toCitizenIdentity } from '../../franceconnect/citizen-identity.js';
import { useViews } from '../../http/views.js';
import { isValidSiret } from '../../registry/siret.js';
import { identityParams } from '../../sources/identity-params.js';
import type { DataProviderClient } from '../data-providers.js';
import { type CaseFile, caseForIdentity, DEFAULT_CASES_DIR, loadCaseFiles, matchingKey } from './cases.js';
import { type EncryptionKeys, type Introspection, onlyGranted, type TokenChecker } from './franceconnect-token.js';
import { impotParticulierRoutes } from './impot-particulier.js';

const apiError = (res: Response, status: number, code: string, title: string, detail: string) =>
  res.status(status).json({ errors: [{ code, title, detail, source: null, meta: {} }] });

const FAULT_TEXTS: Record<number, { code: string; title: string; detail: string }> = {
  502: { code: '999', title: 'Erreur du fournisseur de données', detail: 'Panne simulée : réponse invalide du fournisseur.' },
  503: { code: '001', title: 'Fournisseur de données indisponible', detail: 'Panne simulée : fournisseur indisponible.' },
  504: { code: '002', title: 'Intermédiaire hors-délai', detail: 'Panne simulée : fournisseur hors délai.' },
};

// API Particulier's words for a FranceConnect token it cannot use (siade errors.yml, 50001 to 50003).
const TOKEN_REFUSALS = {
  '50001': { title: 'Jeton FranceConnect invalide', detail: 'Le jeton d’accès FranceConnect est mal formé.' },
  '50002': { title: 'Jeton FranceConnect invalide', detail: 'Le jeton d’accès FranceConnect est introuvable ou expiré.' },
  '50003': { title: 'Jeton FranceConnect invalide', detail: 'Le jeton d’accès FranceConnect ne donne pas l’identité pivot.' },
} as const;

/** The FranceConnect mode of the sandbox: how it checks citizens' tokens, with one data-provider client per API. */
export interface SandboxFranceConnect {
  checker: TokenChecker;
  encryption: EncryptionKeys;
  clients: DataProviderClient[];
  /** The portal's client at the DGFiP gateway, for the API Impôt particulier stand-in. */
  impotParticulierPortal?: { clientId: string; clientSecret: string };
}

/** In FranceConnect mode, the answer's data are cut to what the token's scopes cover (franceconnect-token.ts). */
function withinScopes(payload: unknown, api: string, introspection: Introspection): unknown {
  const body = payload as { data?: Record<string, unknown> };
  if (typeof body?.data !== 'object' || body.data === null) return payload;
  return { ...body, data: onlyGranted(body.data, api, introspection) };
}

/**
 * A local API Particulier v3 sandbox that behaves like the real one: Bearer token and recipient checked first,
 * then the case whose parameter set matches exactly, else the route's 404. Faults can be switched on per API to
 * demonstrate a source down. With `franceConnect`, the `/france_connect` routes take a citizen's FranceConnect
 * token instead, check it with FranceConnect and answer for the identity it names.
 */
export function createSandbox(options: { token: string; casesDir?: string; franceConnect?: SandboxFranceConnect }): Express {
  const files = loadCaseFiles(options.casesDir ?? DEFAULT_CASES_DIR);
  const faults = new Map<string, number>();
  const app = express();
  app.disable('x-powered-by');
  useViews(app, { serviceName: 'API Particulier', serviceTagline: 'Bac à sable local' }, { cache: true });

  app.get('/', (_req, res) => res.render('dev/sandbox/accueil.njk', { files, faults: Object.fromEntries(faults) }));
  const faultBody = z.object({ api: z.string(), status: z.coerce.number().pipe(z.union([z.literal(502), z.literal(503), z.literal(504)])) });
  app.post('/_sandbox/pannes', express.urlencoded({ extended: false }), (req, res) => {
    const body = faultBody.safeParse(req.body);
    if (body.success && files.some((file) => file.name === body.data.api)) faults.set(body.data.api, body.data.status);
    res.redirect(303, '/');
  });
  app.post('/_sandbox/pannes/fin', express.urlencoded({ extended: false }), (req, res) => {
    faults.delete(String((req.body as { api?: unknown }).api));
    res.redirect(303, '/');
  });
  app.put('/_sandbox/pannes/:api', express.json(), (req, res) => {
    const body = faultBody.safeParse({ ...req.body, api: req.params.api });
    if (!body.success || !files.some((file) => file.name === body.data.api))
      return res.status(400).json({ error: 'api ou statut inconnu (502, 503, 504)' });
    faults.set(body.data.api, body.data.status);
    res.status(204).end();
  });
  app.delete('/_sandbox/pannes/:api', (req, res) => {
    faults.delete(req.params.api);
    res.status(204).end();
  });

  /** The checks every route makes first, in API Particulier's order: recipient, then a fault switched on. */
  const refusedUpfront = (req: express.Request, res: Response, file: CaseFile): boolean => {
    const recipient = req.query.recipient;
    if (recipient === undefined) {
      apiError(res, 422, '00203', 'Entité non processable', 'Le paramètre recipient est obligatoire.');
      return true;
    }
    if (typeof recipient !== 'string' || !isValidSiret(recipient)) {
      apiError(res, 422, '00210', 'Entité non processable', 'Le paramètre recipient n’est pas un numéro SIRET valide.');
      return true;
    }
    const fault = faults.get(file.name);
    if (fault === undefined) return false;
    const text = FAULT_TEXTS[fault] ?? FAULT_TEXTS[502];
    res.status(fault).json({
      errors: [
        {
          code: `${file.not_found.code.slice(0, 2)}${text?.code}`,
          title: text?.title,
          detail: text?.detail,
          source: null,
          meta: { provider: file.provider },
        },
      ],
    });
    return true;
  };
  const answer = async (res: Response, file: CaseFile, match: CaseFile['cases'][number] | undefined, shape = (payload: unknown) => payload) => {
    if (match === undefined) {
      return res.status(404).json({ errors: [{ ...file.not_found, source: null, meta: { provider: file.provider } }] });
    }
    if (match.delay_ms !== undefined) await sleep(match.delay_ms);
    if (match.retry_after !== undefined) res.set('retry-after', String(match.retry_after));
    res.status(match.status).send(JSON.stringify(match.status === 200 ? shape(match.payload) : match.payload));
  };
  const begin = (req: express.Request, res: Response) => {
    const requestId = req.get('x-request-id');
    if (requestId !== undefined) res.set('x-request-id', requestId);
    res.set('content-type', 'application/json');
  };

  for (const file of files) {
    const byKey = new Map(file.cases.map((c) => [matchingKey(c.params), c]));
    if (file.route !== undefined)
      app.get(file.route, async (req, res) => {
        begin(req, res);
        if (req.get('authorization') !== `Bearer ${options.token}`) {
          return apiError(res, 401, '00101', 'Interdit', 'Votre jeton d’API n’est pas valide ou est absent.');
        }
        if (refusedUpfront(req, res, file)) return;
        await answer(res, file, byKey.get(matchingKey(req.query as Record<string, unknown>)));
      });

    const fc = options.franceConnect;
    const api = APIS.find((candidate) => candidate.id === file.name && candidate.upstream === 'api_particulier');
    const credentials = fc?.clients.find((client) => client.api === file.name);
    if (fc === undefined || api?.franceConnectRoute === undefined || credentials === undefined) continue;
    app.get(api.franceConnectRoute, async (req, res) => {
      begin(req, res);
      const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (token === undefined) return apiError(res, 401, '50001', TOKEN_REFUSALS['50001'].title, TOKEN_REFUSALS['50001'].detail);
      if (refusedUpfront(req, res, file)) return;
      const check = await fc.checker.check(token, credentials);
      if (check.kind === 'unavailable')
        return apiError(res, 502, '51001', 'FranceConnect indisponible', 'FranceConnect n’a pas pu vérifier le jeton.');
      if (check.kind === 'refused') return apiError(res, 401, check.code, TOKEN_REFUSALS[check.code].title, TOKEN_REFUSALS[check.code].detail);
      const { introspection } = check;
      if (!credentials.scopes.some((scope) => introspection.scope.split(' ').includes(scope))) {
        return apiError(res, 403, '00100', 'Privilèges insuffisants', 'Le jeton FranceConnect ne couvre aucune donnée de cette API.');
      }
      const identity = toCitizenIdentity({ ...introspection, sub: introspection.sub });
      // What the route takes beyond the token (the ANTS's plate) is matched with the identity.
      const { recipient: _recipient, ...asked } = req.query as Record<string, string>;
      const match = caseForIdentity(file.cases, identityParams(identity), asked);
      await answer(res, file, match, (payload) => withinScopes(payload, file.name, introspection));
    });
  }
  const fc = options.franceConnect;
  if (fc !== undefined) {
    app.get('/api/france_connect_jwks', (_req, res) => res.json(fc.encryption.publicJwks));
    const file = files.find((candidate) => candidate.name === 'impot_particulier');
    const dataProvider = fc.clients.find((client) => client.api === 'impot_particulier');
    if (file !== undefined && dataProvider !== undefined && fc.impotParticulierPortal !== undefined)
      app.use(
        impotParticulierRoutes({ file, checker: fc.checker, dataProvider, portal: fc.impotParticulierPortal, faultOf: () => faults.get(file.name) }),
      );
  }
  return app;
}
