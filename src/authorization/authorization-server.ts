import type { Kysely } from 'kysely';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { CATALOGUE_SCOPES } from '../catalogue/catalogue.js';
import { isDatabaseUnavailable } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { RETRY_AFTER_SECONDS } from '../http/error-handler.js';
import { verifyClientSecret } from '../registry/client-secret.js';
import { type ClientLoader, databaseAdapterFactory, StorageUnavailable } from './oidc-adapter.js';
import { pairwiseSubject } from './pairwise.js';
import type { PrivateJwks } from '../signing/signing-keys.js';

export interface AuthorizationServerOptions {
  issuer: string;
  db: Kysely<Database>;
  loadClient: ClientLoader;
  keys: PrivateJwks;
  cookieKeys: string[];
  pairwiseSecret: string;
  secureCookies: boolean;
  /**
   * Renders oidc-provider's own error pages (unknown client, unregistered redirect URI…) as our French pages;
   * `temporarily_unavailable` when the database cannot be reached.
   */
  renderError: (ctx: Omit<KoaContextWithOIDC, 'oidc'>, error: string, description: string | undefined) => void;
}

// Lifetimes in seconds, all explicit. The interaction and the session match the portal's 30 minutes of inactivity.
export const TTL = {
  AuthorizationCode: 60,
  AccessToken: 600,
  IdToken: 600,
  RefreshToken: 86_400,
  ClientCredentials: 600,
  Grant: 3600,
  Interaction: 1800,
  Session: 1800,
  DeviceCode: 600,
  BackchannelAuthenticationRequest: 600,
} as const;

export const INTERACTION_PATH = '/demande';

/** oidc-provider as the authorization server toward service providers: code flow with PKCE only. */
export function createAuthorizationServer(options: AuthorizationServerOptions): Provider {
  const configuration: Configuration = {
    adapter: databaseAdapterFactory(options.db, options.loadClient),
    jwks: options.keys as Configuration['jwks'],
    cookies: {
      keys: options.cookieKeys,
      names: { session: 'pp_session', interaction: 'pp_interaction', resume: 'pp_interaction_resume' },
      long: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies },
      short: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies },
    },
    scopes: ['openid', ...CATALOGUE_SCOPES],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    subjectTypes: ['pairwise'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256'],
    },
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: TTL,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      // Both on by default. A pushed request carries its redirect URI in its body, so /oidc/auth would see no
      // redirect_uri and the habilitation guard would let a service without a habilitation in force start a sign-in.
      // DPoP-bound tokens would be taken as Bearer tokens by the data API, which checks no proof.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      // A client may revoke its own tokens only.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // Each request asks the citizen again: a transmission is one decision, never carried over from an earlier one.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId === undefined ? undefined : ctx.oidc.provider.Grant.find(grantId);
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    pairwiseIdentifier: (_ctx, accountId, client) => pairwiseSubject(options.pairwiseSecret, client.clientId, accountId),
    findAccount: (_ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
    renderError: (ctx, out) => {
      options.renderError(ctx, String(out.error), out.error_description === undefined ? undefined : String(out.error_description));
    },
    discovery: {
      claim_types_supported: ['normal'],
      ui_locales_supported: ['fr-FR'],
    },
  };

  const provider = new Provider(options.issuer, configuration);
  // Client secrets are stored hashed: oidc-provider compares through this method.
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return this.clientSecret !== undefined && verifyClientSecret(actual, this.clientSecret);
  };
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      // oidc-provider saves its session again after its error handling: a failure there would reach Koa's plain-text answer.
      if (!isDatabaseUnavailable(caught)) throw caught;
      const error = caught instanceof StorageUnavailable ? caught : new StorageUnavailable(caught);
      ctx.status = error.statusCode;
      if (ctx.accepts('json', 'html') === 'html') options.renderError(ctx, error.error, error.error_description);
      else ctx.body = { error: error.error, error_description: error.error_description };
    }
    if (ctx.status === 503) {
      // A redirect decided before the failure must not leave with the error page.
      ctx.remove('location');
      ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
    }
  });
  return provider;
}
