import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { APIS } from '../catalogue/apis.js';
import { type CallModes, usesFranceConnect } from '../catalogue/call-modes.js';
import { incomeYearsToAsk } from '../catalogue/income-years.js';
import type { CitizenIdentity } from '../franceconnect/citizen-identity.js';
import { type ApiAnswer, type ApiParticulierClient, queryString } from './api-particulier.client.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { isHolder } from './holder.js';
import type { QueryParams } from './identity-params.js';
import { IMPOT_PARTICULIER_ROUTE, type ImpotParticulierClient } from './impot-particulier.client.js';
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
  /** How it was asked: with the identity pivot (or a typed identifier), or with the citizen's FranceConnect token. */
  via: 'identite' | 'france_connect';
}

/** How a request's sources are asked: each API's mode, and the citizen's FranceConnect token when there is a live one. */
export interface CallPlan {
  modes: CallModes;
  franceConnectToken: string | undefined;
  /** The request's scopes: the DGFiP's income years are among them. */
  scopes: string[];
}

// The data provider refused the citizen's token (expired, not covering the API): an API that may also be asked by
// identity is asked so.
const TOKEN_REFUSED = new Set([401, 403]);
const apiOf = new Map(APIS.map((api) => [api.id, api]));

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
  /** The DGFiP's API Impôt particulier; without it, tax data are not asked (status « erreur »). */
  impotParticulier?: ImpotParticulierClient,
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

  /** One request's context: the answers already asked, by route and parameters, so that a route two sources need is asked once. */
  interface Asking {
    identity: CitizenIdentity;
    inputs: ExtraInputs;
    recipient: string;
    asked: Map<string, Promise<ApiAnswer>>;
  }

  const fetchOne = async (api: string, context: Asking, plan: CallPlan): Promise<SourceOutcome> => {
    const { identity, inputs, recipient, asked } = context;
    const requestId = randomUUID();
    const fetchedAt = Date.now();
    const breaker = breakerOf(api);
    const ended = (via: SourceOutcome['via'], status: ItemStatus): SourceOutcome => ({ api, status, fetchedAt, requestId, via });

    /** An answer as the preview keeps it: `dataOf` reads the data out of the body (v3's `data` envelope by default). */
    const read = (answer: ApiAnswer, route: string, dataOf = (body: unknown) => (body as { data?: unknown } | undefined)?.data) => {
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
      const data = answer.kind === 'answer' && status === 'ok' ? dataOf(answer.body) : undefined;
      return {
        answer,
        status: status === 'ok' && (typeof data !== 'object' || data === null) ? ('error' as const) : status,
        data: data as Record<string, unknown> | undefined,
      };
    };
    const ask = async (route: string, params: QueryParams, franceConnectToken?: string) => {
      // A citizen's token is theirs alone: an answer asked with it is never shared by key.
      const key = franceConnectToken === undefined ? `${route}?${queryString(params, recipient)}` : undefined;
      const pending = (key === undefined ? undefined : asked.get(key)) ?? client.get({ route, params, recipient, requestId, franceConnectToken });
      if (key !== undefined) asked.set(key, pending);
      return read(await pending, route);
    };
    /** The latest income year the habilitation allows that the DGFiP knows: a 404 moves on to the year before. */
    const askIncomeYears = async (token: string, client: ImpotParticulierClient) => {
      let last: ReturnType<typeof read> | undefined;
      for (const year of incomeYearsToAsk(plan.scopes)) {
        const answer = await client.situation(year, token, requestId);
        last = read(answer, IMPOT_PARTICULIER_ROUTE + year, (body) => ({ ...(body as object), annee_revenus: year }));
        if (last.status !== 'not_found') break;
      }
      return last ?? read({ kind: 'answer', status: 403, body: undefined, retryAfterSeconds: undefined, attempts: 0 }, IMPOT_PARTICULIER_ROUTE);
    };
    const answered = (via: SourceOutcome['via'], { answer, status, data }: ReturnType<typeof read>): SourceOutcome =>
      answer.kind !== 'answer'
        ? ended(via, status)
        : {
            api,
            status,
            httpStatus: answer.status,
            errorCode: errorCodeOf(answer.body),
            data,
            fetchedAt,
            retryAfterSeconds: answer.retryAfterSeconds,
            requestId,
            via,
          };

    const mode = plan.modes[api];
    const franceConnectRoute = apiOf.get(api)?.franceConnectRoute;
    if (apiOf.get(api)?.upstream === 'impot_particulier') {
      if (plan.franceConnectToken === undefined || impotParticulier === undefined) return ended('france_connect', 'error');
      if (!breaker.tryPass()) return ended('france_connect', 'unavailable');
      return answered('france_connect', await askIncomeYears(plan.franceConnectToken, impotParticulier));
    }
    const source = SOURCES.get(api);
    if (usesFranceConnect(mode) && franceConnectRoute !== undefined && plan.franceConnectToken !== undefined) {
      const asked = source?.franceConnectParams?.(inputs) ?? { params: {} };
      if ('missingInput' in asked) return ended('france_connect', 'missing_input');
      if (!breaker.tryPass()) return ended('france_connect', 'unavailable');
      // The answer names no one but the token's holder: there is no file of someone else's to guard against.
      const outcome = answered('france_connect', await ask(franceConnectRoute, asked.params, plan.franceConnectToken));
      if (mode === 'france_connect' || !TOKEN_REFUSED.has(outcome.httpStatus ?? 0)) return outcome;
      log.info({ api, requestId, http: outcome.httpStatus }, 'jeton FranceConnect refusé par la source : interrogée par l’identité');
    } else if (mode === 'france_connect') {
      // Only with a token: the journey signs the citizen in again before asking (authorization/interaction.controller.ts).
      return ended('france_connect', 'error');
    }

    if (source?.request === undefined) return ended('identite', 'error');
    const request = source.request(identity, inputs);
    if ('missingInput' in request) return ended('identite', 'missing_input');
    if (!breaker.tryPass()) {
      log.warn({ api, requestId }, 'source coupée par le disjoncteur');
      return ended('identite', 'unavailable');
    }
    const belongsToCitizen = (data: Record<string, unknown> | undefined) => {
      const holder = data === undefined ? undefined : request.holderCheck?.holder(data);
      return holder !== undefined && isHolder(identity, holder);
    };
    const notHolder = (): SourceOutcome => {
      log.warn({ api, requestId }, 'dossier trouvé par un identifiant saisi, mais au nom d’une autre personne');
      return ended('identite', 'not_holder');
    };

    // The holder is read first when the route itself does not name them: nothing of someone else's is fetched.
    const checkRoute = request.holderCheck?.route;
    if (checkRoute !== undefined) {
      const check = await ask(checkRoute, request.params);
      if (check.status !== 'ok') return ended('identite', check.status);
      if (!belongsToCitizen(check.data)) return notHolder();
    }
    const main = await ask(request.route, request.params);
    if (main.status === 'ok' && request.holderCheck !== undefined && checkRoute === undefined && !belongsToCitizen(main.data)) return notHolder();
    return answered('identite', main);
  };

  return {
    /** Every API in `apis`, each in the mode `plan` gives it (by identity when the plan says nothing). */
    fetch: (
      apis: string[],
      identity: CitizenIdentity,
      inputs: ExtraInputs,
      recipient: string,
      plan: CallPlan = { modes: {}, franceConnectToken: undefined, scopes: [] },
    ) => {
      // France Travail's statut route is also the holder check of its paiements: asked together, it is asked once.
      const context: Asking = { identity, inputs, recipient, asked: new Map() };
      return Promise.all(
        apis.map(async (api) => {
          const outcome = await fetchOne(api, context, plan);
          await onOutcome(outcome);
          return outcome;
        }),
      );
    },
    breakerState: (api: string) => breakerOf(api).state,
  };
}

export type SourceFetcher = ReturnType<typeof createSourceFetcher>;
