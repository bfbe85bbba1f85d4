import { randomBytes } from 'node:crypto';
import type { IDToken } from 'openid-client';
import { z } from 'zod';
import { AppError } from '../http/errors.js';
import type { ErrorCode } from '../wording/messages.fr.js';
import { isUnreachable, type OidcConnector, type SignInResult, upstreamErrorStatus } from './connector.js';

/** The error page shown for each way a sign-in can fail, per provider (FC-00x for FranceConnect, PC-00x for ProConnect). */
export interface SignInCodes {
  cancelled: ErrorCode;
  stateMismatch: ErrorCode;
  expired: ErrorCode;
  unreachable: ErrorCode;
  refused: ErrorCode;
  acr: ErrorCode;
  upstreamError: ErrorCode;
}

export interface SignInSettings<Identity> {
  provider: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scopes: string;
  /** Sent as acr_values, and the returned acr must be one of `acceptedAcr`. */
  acr: { values: string; accepted: ReadonlySet<string> } | undefined;
  pkce: boolean;
  codes: SignInCodes;
  /** Local paths a sign-in may return to. */
  returnTo: RegExp;
  /** The identity from the signed userinfo and ID token claims; undefined when incomplete. */
  identity(userinfo: Record<string, unknown>, claims: IDToken): Identity | undefined;
}

/** What the session keeps between the redirect to the provider and its answer. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  /** Where the person goes once signed in. */
  returnTo: string;
  codeVerifier?: string;
  /** Data scopes asked beyond the identity: the access token is then kept for the data providers that take it. */
  dataScopes?: string[];
}

// FranceConnect asks for at least 22 random letters and digits: 64 hex characters satisfy it and its support.
export const randomToken = () => randomBytes(32).toString('hex');

const callbackQuerySchema = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export interface SignInService<Identity> {
  /**
   * `forceLogin`: a new sign-in at the provider, even over a session of its own there. `dataScopes`: scopes asked
   * beyond the identity, which the person consents to at the provider.
   */
  start(returnTo?: string, options?: { forceLogin?: boolean; dataScopes?: string[] }): Promise<{ url: URL; pending: PendingSignIn }>;
  complete(
    rawQuery: string,
    pending: PendingSignIn | undefined,
  ): Promise<{ identity: Identity; idToken: string; accessToken: SignInResult['accessToken'] }>;
  signOutUrl(idToken: string, state: string): Promise<URL>;
}

/** One sign-in logic for FranceConnect (citizens) and ProConnect (agents), configured per provider. */
export function createSignInService<Identity>(connector: OidcConnector, settings: SignInSettings<Identity>): SignInService<Identity> {
  const { codes, provider } = settings;
  const upstreamFailure = (error: unknown, step: string) => {
    if (isUnreachable(error)) return new AppError(codes.unreachable, `${step} : ${provider} injoignable`, { cause: error });
    const status = upstreamErrorStatus(error);
    if (status !== undefined) return new AppError(codes.upstreamError, `${step} : ${provider} a répondu ${status}`, { cause: error });
    return new AppError(codes.refused, `${step} : réponse refusée`, { cause: error });
  };

  return {
    async start(returnTo = '/', { forceLogin = false, dataScopes = [] }: { forceLogin?: boolean; dataScopes?: string[] } = {}) {
      if (!settings.returnTo.test(returnTo)) throw new Error(`adresse de retour refusée : ${returnTo}`);
      const pending: PendingSignIn = {
        state: randomToken(),
        nonce: randomToken(),
        returnTo,
        ...(settings.pkce ? { codeVerifier: randomToken() } : {}),
        ...(dataScopes.length > 0 ? { dataScopes } : {}),
      };
      try {
        const url = await connector.buildSignInUrl({
          redirectUri: settings.redirectUri,
          scope: [settings.scopes, ...dataScopes].join(' '),
          state: pending.state,
          nonce: pending.nonce,
          acrValues: settings.acr?.values,
          codeVerifier: pending.codeVerifier,
          forceLogin,
        });
        return { url, pending };
      } catch (error) {
        throw upstreamFailure(error, 'découverte');
      }
    },

    async complete(rawQuery, pending) {
      if (pending === undefined) throw new AppError(codes.expired, `retour de ${provider} sans connexion en cours`);
      const query = callbackQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(rawQuery)));
      if (!query.success) throw new AppError(codes.refused, 'paramètres de retour mal formés');
      const { error, state } = query.data;
      if (error === 'access_denied') throw new AppError(codes.cancelled, 'connexion annulée');
      if (error !== undefined) throw new AppError(codes.upstreamError, `${provider} a répondu ${error}`);
      if (state !== pending.state) throw new AppError(codes.stateMismatch, 'state différent de celui envoyé');

      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = rawQuery;
      let result: Awaited<ReturnType<OidcConnector['completeSignIn']>>;
      try {
        result = await connector.completeSignIn(callbackUrl, { state: pending.state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
      } catch (failure) {
        throw upstreamFailure(failure, 'échange du code');
      }
      const acr = result.claims.acr;
      if (settings.acr !== undefined && (typeof acr !== 'string' || !settings.acr.accepted.has(acr))) {
        throw new AppError(codes.acr, `niveau eIDAS insuffisant : ${String(acr)}`);
      }
      const identity = settings.identity(result.userinfo, result.claims);
      if (identity === undefined) throw new AppError(codes.refused, 'identité incomplète dans le userinfo');
      return { identity, idToken: result.idToken, accessToken: result.accessToken };
    },

    async signOutUrl(idToken, state) {
      return connector.buildSignOutUrl({ idTokenHint: idToken, state, postLogoutRedirectUri: settings.postLogoutRedirectUri });
    },
  };
}
