import type { Registry } from '../registry/registry.service.js';
import type { ClientLoader } from './oidc-adapter.js';

/**
 * A service provider as oidc-provider sees it. Its allowed scopes are those of its habilitation in force, so any
 * other scope answers invalid_scope; without one, only openid remains (and the habilitation guard shows a page).
 */
export function clientLoaderFrom(registry: Registry): ClientLoader {
  return async (clientId) => {
    const sp = await registry.findServiceProvider(clientId);
    if (sp === undefined) return undefined;
    const habilitation = await registry.activeHabilitation(clientId);
    const scopes = habilitation === undefined ? [] : (JSON.parse(habilitation.scopes) as string[]);
    return {
      client_id: sp.client_id,
      client_name: sp.display_name,
      token_endpoint_auth_method: sp.auth_method,
      ...(sp.secret_hash === null ? {} : { client_secret: sp.secret_hash }),
      ...(sp.jwks === null ? {} : { jwks: JSON.parse(sp.jwks) }),
      redirect_uris: JSON.parse(sp.redirect_uris) as string[],
      post_logout_redirect_uris: JSON.parse(sp.post_logout_redirect_uris) as string[],
      scope: ['openid', ...scopes].join(' '),
    };
  };
}
