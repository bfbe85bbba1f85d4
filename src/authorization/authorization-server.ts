import type { Request, Response } from 'express';
import type nunjucks from 'nunjucks';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { CATALOGUE_SCOPES } from '../catalogue/catalogue.js';
import { isDatabaseUnavailable } from '../db/database.js';
import { errorView, RETRY_AFTER_SECONDS } from '../http/error-handler.js';
import { isPreviousSecretValid, verifyClientSecret } from '../registry/client-secret.js';
import type { PrivateJwks } from '../signing/signing-keys.js';
import type { ErrorCode } from '../wording/messages.fr.js';
import { logoutPages } from './logout-pages.js';
import { type OidcStorage, StorageUnavailable } from './oidc-adapter.js';

export interface AuthorizationServerOptions {
  issuer: string;
  /** Where codes, tokens, sessions and interactions are kept, sealed (oidc-adapter.ts). */
  storage: OidcStorage;
  /** However active, the session ends this long after the sign-in, as the portal's own does. */
  sessionMaxSeconds: number;
  keys: PrivateJwks;
  cookieKeys: string[];
  /**
   * Ends the portal's own session when the citizen confirms a sign-out a service provider asked for: signed out of
   * the authorization server only, the portal's sign-in would answer the next request without FranceConnect.
   */
  endPortalSession: (req: Request) => void;
  /** The `sub` each service provider knows a citizen by. */
  pairwiseSubject: (clientId: string, accountId: string) => string;
  secureCookies: boolean;
  /** Behind a reverse proxy: the client's address and scheme come from its headers. */
  trustProxy: boolean;
  /**
   * Outside production a service's key address (jwks_uri) may be on this machine; in production oidc-provider refuses
   * loopback, private and link-local addresses, as the event pushes do.
   */
  allowInternalKeyAddresses?: boolean;
  /** The portal's templates: oidc-provider's own error pages are ours, in French. */
  views: nunjucks.Environment;
  logger: Logger;
}

// oidc-provider's error codes that have their own page; any other means the service provider's request is wrong.
const OIDC_ERROR_PAGES: Partial<Record<string, ErrorCode>> = {
  invalid_client: 'DEMANDE-002',
  invalid_redirect_uri: 'DEMANDE-005',
  temporarily_unavailable: 'HTTP-503',
  server_error: 'HTTP-500',
};

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

/** The session's lifetime from now: sliding by TTL.Session, never past the absolute lifetime counted from the sign-in. */
export function sessionTtl(loginTs: number | undefined, maxSeconds: number, now = Math.floor(Date.now() / 1000)): number {
  return loginTs === undefined ? TTL.Session : Math.max(1, Math.min(TTL.Session, loginTs + maxSeconds - now));
}

/** Client metadata of ours: the hash of a renewed secret and the end of its overlap (epoch ms). */
export const PREVIOUS_SECRET = 'previous_client_secret';
export const PREVIOUS_SECRET_UNTIL = 'previous_client_secret_until';

/** The longest a service provider's client assertion (private_key_jwt) may live, in seconds. */
export const CLIENT_ASSERTION_MAX_SECONDS = 300;

/**
 * A client assertion is a bearer credential until it expires, and its jti is remembered until then: one made to last
 * a year would be a year-long password. Only short-lived ones are accepted.
 */
function assertShortLivedAssertion(claims: Record<string, unknown>, now = Math.floor(Date.now() / 1000)): void {
  const { exp, iat } = claims;
  const issuedAt = typeof iat === 'number' ? iat : now;
  if (typeof exp !== 'number' || exp - issuedAt > CLIENT_ASSERTION_MAX_SECONDS || exp - now > CLIENT_ASSERTION_MAX_SECONDS) {
    throw new errors.InvalidClientAuth(`client_assertion must expire within ${CLIENT_ASSERTION_MAX_SECONDS} seconds`);
  }
}

/** oidc-provider as the authorization server toward service providers: code flow with PKCE only. */
export function createAuthorizationServer(options: AuthorizationServerOptions): Provider {
  /** One of our templates as oidc-provider's answer: Express's response carries the nonce the layout's scripts need. */
  const renderPage = (ctx: Omit<KoaContextWithOIDC, 'oidc'>, view: string, context: object) => {
    const res = ctx.res as Response;
    ctx.type = 'html';
    ctx.body = options.views.render(view, { ...context, cspNonce: res.locals?.cspNonce });
  };
  /**
   * Renders oidc-provider's own error pages (unknown client, unregistered redirect URI…) as our French pages;
   * `temporarily_unavailable` when the database cannot be reached.
   */
  const renderError = (ctx: Omit<KoaContextWithOIDC, 'oidc'>, error: string) => {
    const code = OIDC_ERROR_PAGES[error] ?? 'DEMANDE-004';
    const view = errorView(code, { requestId: String((ctx.res as Response).req?.id ?? '') });
    ctx.status = view.status;
    renderPage(ctx, 'errors/error.njk', view);
  };
  const configuration: Configuration = {
    adapter: options.storage.adapter,
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
    // A renewed secret still accepted until its overlap ends (client-metadata.ts fills them in).
    extraClientMetadata: { properties: [PREVIOUS_SECRET, PREVIOUS_SECRET_UNTIL] },
    ...(options.allowInternalKeyAddresses === true
      ? { fetch: (...[url, init]: Parameters<typeof fetch>) => fetch(url, { ...init, dispatcher: undefined } as RequestInit) }
      : {}),
    assertJwtClientAuthClaimsAndHeader: (_ctx, claims) => assertShortLivedAssertion(claims),
    allowOmittingSingleRegisteredRedirectUri: false,
    ttl: {
      ...TTL,
      Session: (_ctx, session) => sessionTtl(session.loginTs, options.sessionMaxSeconds),
    },
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
      rpInitiatedLogout: { enabled: true, ...logoutPages(renderPage) },
    },
    // A code and its access token stand for one transmission the citizen decided, not for their sign-in: signing out
    // of the portal does not take back data already transmitted (withdrawing it does, by revoking the grant). Unbound
    // tokens also spare every data-API call a read and decryption of the citizen's session.
    expiresWithSession: () => false,
    // Each request asks the citizen again: a transmission is one decision, never carried over from an earlier one.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId === undefined ? undefined : ctx.oidc.provider.Grant.find(grantId);
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    pairwiseIdentifier: (_ctx, accountId, client) => options.pairwiseSubject(client.clientId, accountId),
    findAccount: (_ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
    renderError: (ctx, out) => renderError(ctx, String(out.error)),
    discovery: {
      claim_types_supported: ['normal'],
      ui_locales_supported: ['fr-FR'],
    },
  };

  const provider = new Provider(options.issuer, configuration);
  // Client secrets are stored hashed: oidc-provider compares through this method.
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(
    this: { clientSecret?: string; [PREVIOUS_SECRET]?: string; [PREVIOUS_SECRET_UNTIL]?: number },
    actual: string,
  ) {
    if (this.clientSecret !== undefined && verifyClientSecret(actual, this.clientSecret)) return true;
    return isPreviousSecretValid(actual, { hash: this[PREVIOUS_SECRET] ?? null, until: this[PREVIOUS_SECRET_UNTIL] ?? null });
  };
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      // oidc-provider saves its session again after its error handling: a failure there would reach Koa's plain-text answer.
      if (!isDatabaseUnavailable(caught)) throw caught;
      const error = caught instanceof StorageUnavailable ? caught : new StorageUnavailable(caught);
      ctx.status = error.statusCode;
      if (ctx.accepts('json', 'html') === 'html') renderError(ctx, error.error);
      else ctx.body = { error: error.error, error_description: error.error_description };
    }
    if (ctx.status === 503) {
      // A redirect decided before the failure must not leave with the error page.
      ctx.remove('location');
      ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
    }
  });
  provider.proxy = options.trustProxy;
  const { logger } = options;
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'erreur du serveur d’autorisation'));
  // A refused request is the client's doing (a warning); a database out of reach is ours to fix (an error).
  const refused = (message: string) => (_ctx: unknown, error: Error) =>
    error instanceof StorageUnavailable
      ? logger.error({ err: error.cause }, 'base de données injoignable')
      : logger.warn({ error: error.message }, message);
  provider.on('authorization.error', refused('demande d’autorisation refusée'));
  provider.on('grant.error', refused('échange de jeton refusé'));
  provider.on('userinfo.error', refused('demande userinfo refusée'));
  provider.on('revocation.error', refused('révocation de jeton refusée'));
  provider.on('end_session.success', (ctx) => {
    if (ctx.oidc.params?.logout) options.endPortalSession(ctx.req as Request);
  });
  provider.on('end_session.error', refused('demande de déconnexion refusée'));
  provider.on('end_session_confirm.error', refused('confirmation de déconnexion refusée'));
  provider.on('end_session_success.error', refused('fin de déconnexion refusée'));
  return provider;
}

/**
 * Ends the citizen's session at the authorization server (its `pp_session` cookie and record) when they sign out of
 * the portal: afterwards no service gets a code, even with prompt=none, without a new FranceConnect sign-in.
 */
export function authorizationSessionEnder(provider: Provider): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    // Session.get reads the signed cookie through a context of oidc-provider's own, made from the request.
    const session = await provider.Session.get({ req, res } as unknown as KoaContextWithOIDC);
    if (session.accountId !== undefined) await session.destroy();
    for (const name of ['pp_session', 'pp_session.sig']) res.clearCookie(name, { path: '/' });
  };
}
