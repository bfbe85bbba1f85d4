import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { type ApiAnswer, type ApiParticulierClient, queryString } from './api-particulier.client.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { isHolder } from './holder.js';
import { type ItemStatus, sourceAnswered, statusOf } from './item-status.js';
import type { ExtraInputs } from './source-definition.js';
import { SOURCES } from './sources.js';

export interface SourceOutcome {
  api: string;
  status: ItemStatus;
  httpStatus?: number;
  /** API Particulier's five-character error code, when it gave one. */
  errorCode?: string;
  data?: Record<string, unknown>;
  fetchedAt: number;
  retryAfterSeconds?: number;
  requestId: string;
}

const errorCodeOf = (body: unknown): string | undefined => {
  const code = (body as { errors?: Array<{ code?: unknown }> } | undefined)?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Fetches every API of a request in parallel, each behind its own circuit breaker; a failure never stops the others.
 * `onOutcome` sees every outcome (the journal keeps them for the availability statistics).
 */
export function createSourceFetcher(
  client: ApiParticulierClient,
  breakerOptions: CircuitBreakerOptions,
  log: Logger,
  onOutcome: (outcome: SourceOutcome) => Promise<unknown> = async () => undefined,
) {
  const breakers = new Map<string, CircuitBreaker>();
  const breakerOf = (api: string) => {
    let breaker = breakers.get(api);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(breakerOptions);
      breakers.set(api, breaker);
    }
    return breaker;
  };

  /** `asked`: the answers of one request's sources, by route and parameters, so that a route two of them need is asked once. */
  const fetchOne = async (
    api: string,
    identity: CitizenIdentity,
    inputs: ExtraInputs,
    recipient: string,
    asked: Map<string, Promise<ApiAnswer>>,
  ): Promise<SourceOutcome> => {
    const requestId = randomUUID();
    const fetchedAt = Date.now();
    const source = SOURCES.get(api);
    if (source === undefined) return { api, status: 'error', fetchedAt, requestId };
    const request = source.request(identity, inputs);
    if ('missingInput' in request) return { api, status: 'missing_input', fetchedAt, requestId };
    const breaker = breakerOf(api);
    if (!breaker.tryPass()) {
      log.warn({ api, requestId }, 'source coupée par le disjoncteur');
      return { api, status: 'unavailable', fetchedAt, requestId };
    }
    const ask = async (route: string) => {
      const key = `${route}?${queryString(request.params, recipient)}`;
      const pending = asked.get(key) ?? client.get({ route, params: request.params, recipient, requestId });
      asked.set(key, pending);
      const answer = await pending;
      if (sourceAnswered(answer)) breaker.success();
      else breaker.failure();
      const status = statusOf(answer);
      log.info(
        {
          api,
          requestId,
          route,
          status,
          http: answer.kind === 'answer' ? answer.status : answer.kind,
          attempts: answer.attempts,
          ms: Date.now() - fetchedAt,
        },
        'source interrogée',
      );
      const data = answer.kind === 'answer' && status === 'ok' ? (answer.body as { data?: unknown }).data : undefined;
      return {
        answer,
        status: status === 'ok' && (typeof data !== 'object' || data === null) ? ('error' as const) : status,
        data: data as Record<string, unknown> | undefined,
      };
    };
    const belongsToCitizen = (data: Record<string, unknown> | undefined) => {
      const holder = data === undefined ? undefined : request.holderCheck?.holder(data);
      return holder !== undefined && isHolder(identity, holder);
    };

    // The holder is read first when the route itself does not name them: nothing of someone else's is fetched.
    const checkRoute = request.holderCheck?.route;
    if (checkRoute !== undefined) {
      const check = await ask(checkRoute);
      if (check.status !== 'ok') return { api, status: check.status, fetchedAt, requestId };
      if (!belongsToCitizen(check.data)) return notHolder();
    }
    const { answer, status, data } = await ask(request.route);
    if (answer.kind !== 'answer') return { api, status, fetchedAt, requestId };
    if (status === 'ok' && request.holderCheck !== undefined && checkRoute === undefined && !belongsToCitizen(data)) return notHolder();
    return {
      api,
      status,
      httpStatus: answer.status,
      errorCode: errorCodeOf(answer.body),
      data,
      fetchedAt,
      retryAfterSeconds: answer.retryAfterSeconds,
      requestId,
    };

    function notHolder(): SourceOutcome {
      log.warn({ api, requestId }, 'dossier trouvé par un identifiant saisi, mais au nom d’une autre personne');
      return { api, status: 'not_holder', fetchedAt, requestId };
    }
  };

  return {
    fetch: (apis: string[], identity: CitizenIdentity, inputs: ExtraInputs, recipient: string) => {
      // France Travail's statut route is also the holder check of its paiements: asked together, it is asked once.
      const asked = new Map<string, Promise<ApiAnswer>>();
      return Promise.all(
        apis.map(async (api) => {
          const outcome = await fetchOne(api, identity, inputs, recipient, asked);
          await onOutcome(outcome);
          return outcome;
        }),
      );
    },
    breakerState: (api: string) => breakerOf(api).state,
  };
}

export type SourceFetcher = ReturnType<typeof createSourceFetcher>;
