import express, { type RequestHandler } from 'express';
import type { ServiceEnvironment } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Registry } from '../registry/registry.service.js';

/**
 * In front of /oidc/auth: a known service provider without a habilitation in force gets a French page, never a
 * redirect, whatever else its request says; the page offers the way back only to a registered redirect URI. Unknown
 * clients go on to oidc-provider, which refuses them with a page too. A POST is checked, then handed over as the
 * equivalent GET (oidc-provider reads raw bodies).
 */
export function habilitationGuard(registry: Registry, issuer: string, servedEnvironments: readonly ServiceEnvironment[]): RequestHandler[] {
  const check: RequestHandler = async (req, _res, next) => {
    // A POST with no body, or a body that is not a form (JSON), has no parameters: oidc-provider then refuses the request.
    const params = ((req.method === 'POST' ? req.body : req.query) ?? {}) as Record<string, unknown>;
    if (req.method === 'POST') {
      // req.url is the whole path here (app.all, not a mount): /oidc/auth, which the provider's mount then strips.
      req.url = `${req.path}?${new URLSearchParams(params as Record<string, string>)}`;
      req.method = 'GET';
    }
    const { client_id: clientId, redirect_uri: redirectUri, state } = params;
    if (typeof clientId !== 'string') return next();
    const sp = await registry.findServiceProvider(clientId);
    // An unknown client is oidc-provider's to refuse, with its own page.
    if (sp === undefined) return next();
    // A service in « bac à sable » where no test platform serves it: a page, never its identities or data elsewhere.
    if (!servedEnvironments.includes(sp.environment))
      throw new AppError('DEMANDE-006', `service en bac à sable ${clientId} sans plateforme de test ici`, { view: { sp: sp.organisation_name } });
    if ((await registry.activeHabilitation(clientId)) !== undefined) return next();
    const reason = `habilitation expirée ou révoquée pour ${clientId}`;
    // Without a registered redirect URI, there is no verified way back to offer: the page stands alone.
    if (typeof redirectUri !== 'string' || !(JSON.parse(sp.redirect_uris) as string[]).includes(redirectUri))
      throw new AppError('DEMANDE-003', reason, { view: { sp: sp.organisation_name } });
    const back = new URL(redirectUri);
    back.searchParams.set('error', 'unauthorized_client');
    back.searchParams.set('error_description', 'pas d’habilitation en vigueur');
    if (typeof state === 'string') back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    throw new AppError('DEMANDE-003', reason, {
      view: { sp: sp.organisation_name, back: { label: `Revenir sur le site de ${sp.organisation_name}`, href: back.href } },
    });
  };
  return [express.urlencoded({ extended: false, limit: '16kb' }), check];
}
