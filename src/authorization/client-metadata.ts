import type { Registry } from '../registry/registry.service.js';
import { PREVIOUS_SECRET, PREVIOUS_SECRET_UNTIL } from './authorization-server.js';
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
      ...(sp.jwks_uri === null ? {} : { jwks_uri: sp.jwks_uri }),
      ...(sp.previous_secret_hash === null || sp.previous_secret_until === null
        ? {}
        : { [PREVIOUS_SECRET]: sp.previous_secret_hash, [PREVIOUS_SECRET_UNTIL]: sp.previous_secret_until }),
      redirect_uris: JSON.parse(sp.redirect_uris) as string[],
      post_logout_redirect_uris: JSON.parse(sp.post_logout_redirect_uris) as string[],
      scope: ['openid', ...scopes].join(' '),
    };
  };
}
