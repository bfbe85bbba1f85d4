import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../http/errors.js';
import { isUnreachable, type OidcConnector, upstreamErrorStatus } from '../oidc-client/connector.js';
import { type CitizenIdentity, toCitizenIdentity, userinfoSchema } from './citizen-identity.js';

export interface FranceConnectSettings {
  redirectUri: string;
  postLogoutRedirectUri: string;
  scopes: string;
}

/** What the session keeps between the redirect to FranceConnect and its answer. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  /** Where the citizen goes once signed in: home, or back into a service provider's request. */
  returnTo: string;
}

const RETURN_TO = /^\/(demande\/[\w-]+\/connexion)?$/;

// FranceConnect "low" only grants eidas1; a higher level is fine, anything else is refused.
const ACCEPTED_ACR = new Set(['eidas1', 'eidas2', 'eidas3']);

// FranceConnect asks for at least 22 random letters and digits: 64 hex characters satisfy it and its support.
export const randomToken = () => randomBytes(32).toString('hex');

const callbackQuerySchema = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export interface FranceConnectService {
  start(returnTo?: string): Promise<{ url: URL; pending: PendingSignIn }>;
  complete(rawQuery: string, pending: PendingSignIn | undefined): Promise<{ identity: CitizenIdentity; idToken: string }>;
  signOutUrl(idToken: string, state: string): Promise<URL>;
}

export function createFranceConnectService(connector: OidcConnector, settings: FranceConnectSettings): FranceConnectService {
  const upstreamFailure = (error: unknown, step: string) => {
    if (isUnreachable(error)) return new AppError('FC-004', `${step} : FranceConnect injoignable`, { cause: error });
    const status = upstreamErrorStatus(error);
    if (status !== undefined) return new AppError('FC-007', `${step} : FranceConnect a répondu ${status}`, { cause: error });
    return new AppError('FC-005', `${step} : réponse refusée`, { cause: error });
  };

  return {
    async start(returnTo = '/') {
      if (!RETURN_TO.test(returnTo)) throw new Error(`adresse de retour refusée : ${returnTo}`);
      const pending = { state: randomToken(), nonce: randomToken(), returnTo };
      try {
        const url = await connector.buildSignInUrl({
          redirectUri: settings.redirectUri,
          scope: settings.scopes,
          state: pending.state,
          nonce: pending.nonce,
          acrValues: 'eidas1',
        });
        return { url, pending };
      } catch (error) {
        throw upstreamFailure(error, 'découverte');
      }
    },

    async complete(rawQuery, pending) {
      if (pending === undefined) throw new AppError('FC-003', 'retour de FranceConnect sans connexion en cours');
      const query = callbackQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(rawQuery)));
      if (!query.success) throw new AppError('FC-005', 'paramètres de retour mal formés');
      const { error, state } = query.data;
      if (error === 'access_denied') throw new AppError('FC-001', 'connexion annulée par l’usager');
      if (error !== undefined) throw new AppError('FC-007', `FranceConnect a répondu ${error}`);
      if (state !== pending.state) throw new AppError('FC-002', 'state différent de celui envoyé');

      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = rawQuery;
      let result: Awaited<ReturnType<OidcConnector['completeSignIn']>>;
      try {
        result = await connector.completeSignIn(callbackUrl, { state: pending.state, nonce: pending.nonce });
      } catch (failure) {
        throw upstreamFailure(failure, 'échange du code');
      }
      const acr = result.claims.acr;
      if (typeof acr !== 'string' || !ACCEPTED_ACR.has(acr)) throw new AppError('FC-006', `niveau eIDAS insuffisant : ${String(acr)}`);
      const userinfo = userinfoSchema.safeParse(result.userinfo);
      if (!userinfo.success) throw new AppError('FC-005', `userinfo incomplet : ${userinfo.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      return { identity: toCitizenIdentity(userinfo.data), idToken: result.idToken };
    },

    async signOutUrl(idToken, state) {
      return connector.buildSignOutUrl({ idTokenHint: idToken, state, postLogoutRedirectUri: settings.postLogoutRedirectUri });
    },
  };
}
