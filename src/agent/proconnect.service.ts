import { z } from 'zod';
import type { OidcConnector } from '../oidc-client/connector.js';
import { createSignInService, type SignInService } from '../oidc-client/sign-in.service.js';

const userinfoSchema = z.object({
  sub: z.string().min(1),
  email: z.email(),
  given_name: z.string().min(1),
  usual_name: z.string().min(1),
  siret: z.string().regex(/^\d{14}$/),
});

export interface AgentIdentity {
  sub: string;
  email: string;
  givenName: string;
  usualName: string;
  siret: string;
}

export type ProConnectService = SignInService<AgentIdentity>;

/** ProConnect for agents: the same sign-in logic as FranceConnect, with PKCE and ProConnect's claims. */
export function createProConnectService(
  connector: OidcConnector,
  settings: { redirectUri: string; postLogoutRedirectUri: string },
): ProConnectService {
  return createSignInService(connector, {
    ...settings,
    provider: 'ProConnect',
    scopes: 'openid email given_name usual_name siret uid',
    acr: undefined,
    pkce: true,
    // The agents' space, the services' space and the instruction share the one registered way back (agent.controller.ts).
    returnTo: /^\/(agents\/justificatifs|fournisseurs|instruction)$/,
    codes: {
      cancelled: 'PC-001',
      stateMismatch: 'PC-002',
      expired: 'PC-003',
      unreachable: 'PC-004',
      refused: 'PC-005',
      acr: 'PC-006',
      upstreamError: 'PC-007',
    },
    identity: (userinfo) => {
      const parsed = userinfoSchema.safeParse(userinfo);
      if (!parsed.success) return undefined;
      const { sub, email, given_name, usual_name, siret } = parsed.data;
      return { sub, email: email.toLowerCase(), givenName: given_name, usualName: usual_name, siret };
    },
  });
}
