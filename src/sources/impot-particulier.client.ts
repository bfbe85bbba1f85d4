import type { ApiAnswer } from './api-particulier.client.js';

export interface ImpotParticulierSettings {
  /** The DGFiP gateway, without /impotparticulier/1.0. */
  url: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

/** The route of API Impôt particulier's FranceConnect mode: the tax situation of one income year (« annrev »). */
export const IMPOT_PARTICULIER_ROUTE = '/impotparticulier/1.0/situations/ir/assiettes/annrev/';

/**
 * API Impôt particulier in FranceConnect mode, as the DGFiP documents it: the portal's own token (OAuth client
 * credentials, scope RessourceIR) in `Authorization`, the citizen's FranceConnect access token in
 * `X-FranceConnect-OAuth`, a UUID in `X-Correlation-ID`. The answer is the tax situation itself, without a `data`
 * envelope. The portal's token is kept until shortly before it expires.
 */
export function createImpotParticulierClient(settings: ImpotParticulierSettings) {
  let portalToken: { value: string; expiresAt: number } | undefined;

  const tokenOfPortal = async (): Promise<string | undefined> => {
    if (portalToken !== undefined && portalToken.expiresAt > Date.now()) return portalToken.value;
    const response = await fetch(`${settings.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'RessourceIR' }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') return undefined;
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    portalToken = { value: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 };
    return portalToken.value;
  };

  return {
    /** One income year for the holder of `franceConnectToken`; `correlationId` is the request's UUID, kept in both logs. */
    async situation(annrev: number, franceConnectToken: string, correlationId: string): Promise<ApiAnswer> {
      try {
        const token = await tokenOfPortal();
        // Refused credentials are the portal's own failure: said as a 401 from the gateway.
        if (token === undefined) return { kind: 'answer', status: 401, body: undefined, retryAfterSeconds: undefined, attempts: 1 };
        const response = await fetch(`${settings.url}${IMPOT_PARTICULIER_ROUTE}${annrev}`, {
          headers: {
            authorization: `Bearer ${token}`,
            'x-franceconnect-oauth': franceConnectToken,
            'x-correlation-id': correlationId,
            accept: 'application/prs.dgfip.part.situations.ir.assiettes.v1+json, application/json',
          },
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        if (response.status === 401) portalToken = undefined;
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // A non-JSON answer keeps its text; the status says what happened.
        }
        return { kind: 'answer', status: response.status, body, retryAfterSeconds: undefined, attempts: 1 };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        return { kind: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', attempts: 1 };
      }
    },
  };
}

export type ImpotParticulierClient = ReturnType<typeof createImpotParticulierClient>;
