import type { OidcConnector } from '../oidc-client/connector.js';
import { createSignInService, type SignInService } from '../oidc-client/sign-in.service.js';
import { type CitizenIdentity, toCitizenIdentity, userinfoSchema } from './citizen-identity.js';

export type FranceConnectService = SignInService<CitizenIdentity>;

export interface FranceConnectSettings {
  redirectUri: string;
  postLogoutRedirectUri: string;
  scopes: string;
}

/** FranceConnect v2 "low": eidas1 asked for and checked (a higher level is fine), no PKCE, the identity pivot required. */
export function createFranceConnectService(connector: OidcConnector, settings: FranceConnectSettings): FranceConnectService {
  return createSignInService(connector, {
    ...settings,
    provider: 'FranceConnect',
    acr: { values: 'eidas1', accepted: new Set(['eidas1', 'eidas2', 'eidas3']) },
    pkce: false,
    returnTo: /^\/(demande\/[\w-]+\/connexion|mon-espace)?$/,
    codes: {
      cancelled: 'FC-001',
      stateMismatch: 'FC-002',
      expired: 'FC-003',
      unreachable: 'FC-004',
      refused: 'FC-005',
      acr: 'FC-006',
      upstreamError: 'FC-007',
    },
    identity: (userinfo) => {
      const parsed = userinfoSchema.safeParse(userinfo);
      return parsed.success ? toCitizenIdentity(parsed.data) : undefined;
    },
  });
}
