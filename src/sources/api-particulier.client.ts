import { setTimeout as sleep } from 'node:timers/promises';
import type { QueryParams } from './identity-params.js';

export interface ApiParticulierSettings {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** Longest Retry-After honoured before the one retry; a longer one is reported instead. */
  maxRetryAfterMs?: number;
  backoffMs?: number;
}

export interface ApiRequest {
  route: string;
  params: QueryParams;
  /** SIRET of the public body that receives the data (API Particulier requires it). */
  recipient: string;
  requestId: string;
  /** The citizen's FranceConnect access token, for a `/france_connect` route, in place of the portal's own token. */
  franceConnectToken?: string;
}

/** What came back: an HTTP answer, or no answer at all (timeout, network). */
export type ApiAnswer =
  | { kind: 'answer'; status: number; body: unknown; retryAfterSeconds: number | undefined; attempts: number }
  | { kind: 'timeout' | 'network'; attempts: number };

const RETRIED = new Set([502, 503, 504]);

/** v3 query strings: arrays as repeated "name[]" parameters. */
export function queryString(params: QueryParams, recipient: string): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const item of value) search.append(`${name}[]`, item);
    else search.append(name, value);
  }
  search.append('recipient', recipient);
  return search.toString();
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * API Particulier v3 over HTTP: Bearer token, recipient, X-Request-ID, a timeout per attempt, and at most one retry
 * on 502/503/504 (after Retry-After when given, else a short backoff) or on a 429 whose Retry-After is short.
 */
export function createApiParticulierClient(settings: ApiParticulierSettings) {
  const maxRetryAfterMs = settings.maxRetryAfterMs ?? 2000;
  const backoffMs = settings.backoffMs ?? 200;

  const once = async (request: ApiRequest): Promise<ApiAnswer> => {
    const url = `${settings.baseUrl}${request.route}?${queryString(request.params, request.recipient)}`;
    try {
      const response = await fetch(url, {
        headers: {
          authorization: `Bearer ${request.franceConnectToken ?? settings.token}`,
          accept: 'application/json',
          'x-request-id': request.requestId,
        },
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // A non-JSON answer (a proxy's HTML page) keeps its text; the status says what happened.
      }
      return {
        kind: 'answer',
        status: response.status,
        body,
        retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')),
        attempts: 1,
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      return { kind: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', attempts: 1 };
    }
  };

  return {
    async get(request: ApiRequest): Promise<ApiAnswer> {
      const first = await once(request);
      if (first.kind !== 'answer') return first;
      const waitMs = first.retryAfterSeconds === undefined ? backoffMs : first.retryAfterSeconds * 1000;
      const retry = RETRIED.has(first.status) || (first.status === 429 && first.retryAfterSeconds !== undefined);
      if (!retry || waitMs > maxRetryAfterMs) return first;
      await sleep(waitMs);
      return { ...(await once(request)), attempts: 2 };
    },
  };
}

export type ApiParticulierClient = ReturnType<typeof createApiParticulierClient>;
