import { randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Response, Router } from 'express';
import { incomeYearsToAsk, parisYear } from '../../catalogue/income-years.js';
import { toCitizenIdentity } from '../../franceconnect/citizen-identity.js';
import { identityParams } from '../../sources/identity-params.js';
import { IMPOT_PARTICULIER_ROUTE } from '../../sources/impot-particulier.client.js';
import { type CaseFile, caseForIdentity } from './cases.js';
import { type DataProviderCredentials, onlyGranted, type TokenChecker } from './franceconnect-token.js';

export interface ImpotParticulierOptions {
  /** The cases, matched by the identity FranceConnect introspects and the income year (`annrev`). */
  file: CaseFile;
  checker: TokenChecker;
  /** The DGFiP's own data-provider client at FranceConnect. */
  dataProvider: DataProviderCredentials;
  /** The portal's client at the DGFiP gateway (client credentials). */
  portal: { clientId: string; clientSecret: string };
  /** A fault switched on in the sandbox's page for this API, if any. */
  faultOf: () => number | undefined;
}

const TOKEN_LIFETIME_S = 3600;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// The DGFiP documents its statuses, not its error bodies; `erreur` is what its clients read (issue 17's facts, § 3.6).
const refuse = (res: Response, status: number, erreur: string) => res.status(status).json({ erreur });

const sameText = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * A local stand-in for the DGFiP's API Impôt particulier gateway, FranceConnect mode: POST /token (client
 * credentials, scope RessourceIR), then GET /impotparticulier/1.0/situations/ir/assiettes/annrev/{annrev} with the
 * portal's token, the citizen's FranceConnect token in X-FranceConnect-OAuth (checked with FranceConnect under the
 * DGFiP's own data-provider client) and a UUID in X-Correlation-ID. The year must be one the token's year scopes
 * allow; the fields kept are those of its granted data scopes.
 */
export function impotParticulierRoutes(options: ImpotParticulierOptions): Router {
  const issued = new Map<string, number>();
  const router = Router();

  router.post('/token', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const [id = '', secret = ''] = Buffer.from((req.get('authorization') ?? '').replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':');
    if (!sameText(id, options.portal.clientId) || !sameText(secret, options.portal.clientSecret))
      return res.status(401).json({ error: 'invalid_client' });
    if ((req.body as { grant_type?: unknown }).grant_type !== 'client_credentials') return res.status(400).json({ error: 'unsupported_grant_type' });
    const token = randomBytes(24).toString('base64url');
    issued.set(token, Date.now() + TOKEN_LIFETIME_S * 1000);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: 'RessourceIR' });
  });

  router.get(`${IMPOT_PARTICULIER_ROUTE}:annrev`, async (req, res) => {
    const portalToken = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (portalToken === undefined || (issued.get(portalToken) ?? 0) < Date.now()) return refuse(res, 401, 'Jeton d’accès absent, inconnu ou expiré.');
    const correlationId = req.get('x-correlation-id');
    if (correlationId === undefined || !UUID.test(correlationId)) return refuse(res, 400, 'X-Correlation-ID absent ou mal formé (UUID attendu).');
    res.set('x-correlation-id', correlationId);
    const annrev = Number(req.params.annrev);
    if (!/^\d{4}$/.test(req.params.annrev)) return refuse(res, 400, 'Mauvais format d’année de revenus.');
    const citizenToken = req.get('x-franceconnect-oauth');
    if (citizenToken === undefined || citizenToken === '') return refuse(res, 400, 'X-FranceConnect-OAuth absent.');
    const fault = options.faultOf();
    if (fault !== undefined) return refuse(res, fault, 'Panne simulée.');

    const check = await options.checker.check(citizenToken, options.dataProvider);
    if (check.kind === 'unavailable') return refuse(res, 502, 'FranceConnect n’a pas pu vérifier le jeton.');
    if (check.kind === 'refused') return refuse(res, 403, 'Jeton FranceConnect invalide ou expiré.');
    const { introspection } = check;
    if (!incomeYearsToAsk(introspection.scope.split(' ')).includes(annrev))
      return refuse(res, 403, 'L’usager n’a pas consenti à cette année de revenus.');

    // Cases name their year relative to today (« N-1 »), so that the sandbox does not age.
    const match = caseForIdentity(options.file.cases, identityParams(toCitizenIdentity(introspection)), { annrev: `N-${parisYear() - annrev}` });
    if (match === undefined) return refuse(res, 404, 'Aucune situation fiscale pour cet usager et cette année de revenus.');
    if (match.delay_ms !== undefined) await sleep(match.delay_ms);
    const payload = match.payload as Record<string, unknown>;
    res
      .status(match.status)
      .type('application/prs.dgfip.part.situations.ir.assiettes.v1+json')
      .send(JSON.stringify(match.status === 200 ? onlyGranted(payload, options.file.name, introspection) : payload));
  });
  return router;
}
