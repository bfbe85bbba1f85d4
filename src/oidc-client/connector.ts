import { jwtVerify } from 'jose';
import * as client from 'openid-client';

export interface ConnectorSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  signingAlg: 'ES256' | 'RS256' | 'HS256';
  timeoutMs: number;
  /** FranceConnect refuses PKCE parameters; ProConnect accepts them. */
  usePkce: boolean;
}

export interface SignInRequest {
  redirectUri: string;
  scope: string;
  state: string;
  nonce: string;
  acrValues?: string;
  codeVerifier?: string;
  /** Asks the provider for a new sign-in even over a session of its own. */
  forceLogin?: boolean;
}

export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier?: string;
}

export interface SignInResult {
  idToken: string;
  claims: client.IDToken;
  userinfo: Record<string, unknown>;
  /** The access token, for the data providers that take it (FranceConnect's lives 60 s). */
  accessToken: { value: string; expiresAt: number; scopes: string[] };
}

export interface OidcConnector {
  buildSignInUrl(request: SignInRequest): Promise<URL>;
  completeSignIn(callbackUrl: URL, checks: SignInChecks): Promise<SignInResult>;
  buildSignOutUrl(request: { idTokenHint: string; state: string; postLogoutRedirectUri: string }): Promise<URL>;
}

/**
 * openid-client behind intent-named functions. Discovery is lazy and retried after a failure, so the portal starts
 * even while the provider is down. Signatures of the ID token and of the signed userinfo are always verified:
 * by openid-client for asymmetric algorithms, with jose for HS256, which openid-client does not verify.
 */
export function createOidcConnector(settings: ConnectorSettings): OidcConnector {
  const symmetric = settings.signingAlg === 'HS256';
  const secretKey = new TextEncoder().encode(settings.clientSecret);
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        {
          client_secret: settings.clientSecret,
          id_token_signed_response_alg: settings.signingAlg,
          userinfo_signed_response_alg: settings.signingAlg,
        },
        client.ClientSecretPost(settings.clientSecret),
        {
          timeout: settings.timeoutMs / 1000,
          execute: [
            ...(settings.issuer.startsWith('http://') ? [client.allowInsecureRequests] : []),
            ...(symmetric ? [] : [client.enableNonRepudiationChecks]),
          ],
        },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  const verifySymmetric = (jwt: string) => jwtVerify(jwt, secretKey, { algorithms: ['HS256'], issuer: settings.issuer, audience: settings.clientId });

  const fetchUserinfo = async (config: client.Configuration, accessToken: string, sub: string) => {
    if (!symmetric) return (await client.fetchUserInfo(config, accessToken, sub)) as Record<string, unknown>;
    const endpoint = config.serverMetadata().userinfo_endpoint;
    if (endpoint === undefined) throw new Error('userinfo_endpoint absent de la découverte');
    const response = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(endpoint),
      'GET',
      undefined,
      new Headers({ accept: 'application/jwt' }),
    );
    if (!response.ok) throw Object.assign(new Error(`userinfo a répondu ${response.status}`), { status: response.status });
    const { payload } = await verifySymmetric(await response.text());
    if (payload.sub !== sub) throw new Error('le sub du userinfo diffère de celui de l’ID token');
    return payload as Record<string, unknown>;
  };

  return {
    async buildSignInUrl(request) {
      const params: Record<string, string> = {
        redirect_uri: request.redirectUri,
        scope: request.scope,
        state: request.state,
        nonce: request.nonce,
        ...(request.acrValues === undefined ? {} : { acr_values: request.acrValues }),
        ...(request.forceLogin === true ? { prompt: 'login' } : {}),
      };
      if (settings.usePkce && request.codeVerifier !== undefined) {
        params.code_challenge = await client.calculatePKCECodeChallenge(request.codeVerifier);
        params.code_challenge_method = 'S256';
      }
      return client.buildAuthorizationUrl(await configuration(), params);
    },

    async completeSignIn(callbackUrl, checks) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
        ...(settings.usePkce ? { pkceCodeVerifier: checks.codeVerifier } : {}),
      });
      const idToken = tokens.id_token;
      const claims = tokens.claims();
      if (idToken === undefined || claims === undefined) throw new Error('ID token absent de la réponse');
      if (symmetric) await verifySymmetric(idToken);
      const userinfo = await fetchUserinfo(config, tokens.access_token, claims.sub);
      const accessToken = {
        value: tokens.access_token,
        expiresAt: Date.now() + (tokens.expires_in ?? 60) * 1000,
        scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
      };
      return { idToken, claims, userinfo, accessToken };
    },

    async buildSignOutUrl(request) {
      return client.buildEndSessionUrl(await configuration(), {
        id_token_hint: request.idTokenHint,
        state: request.state,
        post_logout_redirect_uri: request.postLogoutRedirectUri,
      });
    },
  };
}

/** True when the provider could not be reached or did not answer in time (as opposed to answering wrongly). */
export function isUnreachable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'].includes(code)
    )
      return true;
  }
  return false;
}

/** The HTTP status of an error answer from the provider (4xx/5xx), when the failure is one. */
export function upstreamErrorStatus(error: unknown): number | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const status = (current as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400) return status;
    if (current.cause instanceof Response && current.cause.status >= 400) return current.cause.status;
  }
  return undefined;
}
