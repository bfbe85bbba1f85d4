import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { Persona } from './personas.js';
import { pickAcr } from './request-params.js';

const credentialsSchema = z.object({ login: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) });

const claimsSchema = z.record(z.string(), z.record(z.string(), z.unknown()).nullable().optional());

/** Claim names asked for through the `claims` parameter (amr, typically), which the grant must cover. */
function requestedClaims(claimsParam: unknown): string[] {
  if (typeof claimsParam !== 'string') return [];
  let json: unknown;
  try {
    json = JSON.parse(claimsParam);
  } catch {
    return []; // oidc-provider already answered invalid_request for a malformed claims parameter
  }
  const parsed = claimsSchema.safeParse(json);
  if (!parsed.success) return [];
  return Object.values(parsed.data).flatMap((byClaim) => Object.keys(byClaim ?? {}));
}

/** The sign-in step: a login/password form like FranceConnect's test identity provider, listing the personas. */
export function interactionRoutes(
  provider: Provider,
  personas: ReadonlyMap<string, Persona>,
  issuer: string,
  /** The data scopes' labels: FranceConnect lists what the data providers will give, consented with the sign-in. */
  dataScopeLabels: ReadonlyMap<string, string>,
): Router {
  const router = Router();
  const mountPath = new URL(issuer).pathname;

  const renderLogin = async (req: Request, res: Response, status: number, error?: string) => {
    const details = await provider.interactionDetails(req, res);
    const client = await provider.Client.find(String(details.params.client_id));
    res.status(status).render('dev/franceconnect/login.njk', {
      action: `${mountPath}/interaction/${details.uid}/login`,
      abortUrl: `${mountPath}/interaction/${details.uid}/abort`,
      clientName: client?.clientName ?? String(details.params.client_id),
      data: String(details.params.scope ?? '')
        .split(' ')
        .flatMap((scope) => dataScopeLabels.get(scope) ?? []),
      personas: [...personas.values()],
      login: typeof req.body?.login === 'string' ? req.body.login : '',
      error,
    });
  };

  router.get('/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const acr = pickAcr(details.params.acr_values as string | undefined);
    if (acr !== 'eidas1') {
      // FranceConnect "low" answers a higher level at the start of the interaction, by redirect.
      await provider.interactionFinished(req, res, {
        error: 'invalid_acr',
        error_description: `acr_value is not valid, should be equal one of these values, expected eidas1, got ${acr}`,
      });
      return;
    }
    await renderLogin(req, res, 200);
  });

  router.post('/:uid/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const credentials = credentialsSchema.safeParse(req.body);
    const persona = credentials.success ? personas.get(credentials.data.login) : undefined;
    if (!credentials.success || persona === undefined || persona.password !== credentials.data.password) {
      await renderLogin(req, res, 401, 'Identifiant ou mot de passe incorrect.');
      return;
    }
    const details = await provider.interactionDetails(req, res);
    if (persona.fault === 'access_denied') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'User auth aborted' });
      return;
    }
    if (persona.fault === 'wrong_state') {
      const target = new URL(String(details.params.redirect_uri));
      target.search = new URLSearchParams({
        code: randomBytes(32).toString('base64url'),
        state: randomBytes(32).toString('hex'),
        iss: issuer,
      }).toString();
      res.redirect(303, target.href);
      return;
    }
    // FranceConnect always asks for sign-in and then informs the person: consent is granted with the sign-in.
    const grant = new provider.Grant({ accountId: persona.login, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const claims = requestedClaims(details.params.claims);
    if (claims.length > 0) grant.addOIDCClaims(claims);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: persona.login, acr: persona.fault === 'weak_acr' ? 'eidas0' : 'eidas1', amr: ['fc', 'pwd'] },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  });

  router.get('/:uid/abort', async (req, res) => {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'User auth aborted' });
  });

  return router;
}
