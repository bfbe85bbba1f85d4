import { randomBytes } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { LocalClient } from './clients.js';
import { SCOPE_CLAIMS } from './discovery.js';
import { installFaults } from './faults.js';
import { errorPageFor, fcErrorView } from './fc-errors.js';
import { installJsonErrorFormat } from './json-errors.js';
import type { SigningKeys } from './keys.js';
import { memoryAdapterFactory } from './memory-adapter.js';
import { type Persona, personaClaims } from './personas.js';
import { franceConnectSub } from './subject.js';

export interface ProviderOptions {
  issuer: string;
  clients: LocalClient[];
  personas: ReadonlyMap<string, Persona>;
  keys: SigningKeys;
  subSecret: string;
  slowTokenMs: number;
  /** FranceConnect data scopes: a service provider allowed them asks for them at sign-in; they release no claim. */
  dataScopes: string[];
  render: (view: string, context: object) => string;
}

// FranceConnect v2 "low" lifetimes, in seconds (FC's core-fcp-low oidc-provider configuration).
const TTL = { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Grant: 30, Interaction: 1800, Session: 1800 };

/** oidc-provider configured as FranceConnect v2 "low" configures it, behind FC's own request checks. */
export function createFranceConnectProvider(options: ProviderOptions): Provider {
  const { issuer, personas, render } = options;
  const mountPath = new URL(issuer).pathname;

  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      client_name: client.client_name,
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris,
      id_token_signed_response_alg: client.signing_alg,
      userinfo_signed_response_alg: client.signing_alg,
      scope: client.scope,
    })),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      subject_type: 'pairwise',
      require_auth_time: true,
    },
    adapter: memoryAdapterFactory(),
    jwks: options.keys.privateJwks as Configuration['jwks'],
    // Named apart from the portal's own oidc-provider cookies: both live on host localhost, and ports do not separate cookies.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      names: { session: 'fc_session', interaction: 'fc_interaction', resume: 'fc_interaction_resume' },
    },
    acrValues: ['eidas1'],
    claims: SCOPE_CLAIMS,
    scopes: [...new Set([...Object.keys(SCOPE_CLAIMS), ...options.dataScopes])],
    subjectTypes: ['pairwise'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: ['HS256', 'ES256', 'RS256'],
      userinfoSigningAlgValues: ['HS256', 'ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256'],
    },
    pkce: { required: () => false },
    acceptQueryParamAccessTokens: true,
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: TTL,
    routes: {
      authorization: '/authorize',
      token: '/token',
      userinfo: '/userinfo',
      jwks: '/jwks',
      end_session: '/session/end',
      revocation: '/token/revocation',
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      jwtUserinfo: { enabled: true },
      // A client may revoke its own tokens only.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = render('dev/logout.njk', { form });
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = render('dev/logout-success.njk', {});
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    pairwiseIdentifier: (_ctx, accountId, client) => {
      const persona = personas.get(accountId);
      if (persona === undefined) throw new Error(`identité inconnue : ${accountId}`);
      return franceConnectSub(persona, client.clientId, options.subSecret);
    },
    findAccount: (_ctx, accountId) => {
      const persona = personas.get(accountId);
      return persona && { accountId, claims: () => ({ sub: accountId, ...personaClaims(persona) }) };
    },
    renderError: (ctx, out) => {
      const page = errorPageFor(String(out.error), out.error_description === undefined ? undefined : String(out.error_description));
      ctx.status = ctx.status >= 500 ? ctx.status : page.status;
      ctx.type = 'html';
      ctx.body = render('errors/error.njk', fcErrorView(page));
    },
  };

  const provider = new Provider(issuer, configuration);
  installJsonErrorFormat(provider);
  installFaults(provider, personas, options.slowTokenMs);
  return provider;
}
