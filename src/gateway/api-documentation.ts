import { CATALOGUE_SCOPES } from '../catalogue/catalogue.js';
import { API_ERRORS, type ApiError, apiErrorBody } from '../http/api-errors.js';
import { retrySchedule } from '../notifications/event-outbox.js';
import { RECEIVER_ERROR_CODES, SP_EVENT_TYPES, type SpEventType, spEventExample, spEventUri } from '../notifications/sp-events.js';
import { WEBHOOK_TIMEOUT_MS } from '../notifications/webhook-delivery.js';
import { DATA_API_ERRORS } from './data-api-errors.js';
import { DISTINCT_PRODUCER_ERRORS, producerErrorCode, V3_ROUTES } from './v3-answer.js';

/** Each error once, in the order an integrator meets them; the example body is the one the API sends. */
const gatewayErrors = (): (ApiError & { example: string })[] =>
  [...new Set([...DATA_API_ERRORS.v1, ...DATA_API_ERRORS.v3, 'notFound', 'badRequest'] as const)]
    .map((name): ApiError => API_ERRORS[name])
    .sort((a, b) => a.status - b.status)
    .map((error) => ({ ...error, example: JSON.stringify(apiErrorBody(error, error.meta), null, 2) }));

/** « 37003 (Quotient familial CAF et MSA, Complémentaire santé solidaire…) »: several APIs share a producer's code. */
const codesWithTheirApis = (error: { sub: string; common: boolean }) => {
  const byCode = new Map<string, string[]>();
  for (const { api } of V3_ROUTES) {
    const code = producerErrorCode(api, error);
    byCode.set(code, [...(byCode.get(code) ?? []), api.name]);
  }
  return [...byCode].map(([code, names]) => `${code} (${names.join(', ')})`);
};

/** Each event a service may receive, with the token it decodes. */
const events = (issuer: string) =>
  (Object.keys(SP_EVENT_TYPES) as SpEventType[]).map((type) => {
    const { header, claims } = spEventExample(type, issuer);
    return {
      type,
      uri: spEventUri(type),
      summary: SP_EVENT_TYPES[type].summary,
      example: `${JSON.stringify(header)}\n.\n${JSON.stringify(claims, null, 2)}`,
    };
  });

/** What /api/documentation shows: the scopes, the v3 routes, every error code with an example body, and the events. */
export function apiDocumentationView(publicUrl: string) {
  return {
    events: events(publicUrl),
    retries: retrySchedule(),
    answerWithinSeconds: WEBHOOK_TIMEOUT_MS / 1000,
    receiverErrors: RECEIVER_ERROR_CODES,
    scopes: CATALOGUE_SCOPES,
    v3Routes: V3_ROUTES.map((route) => route.path),
    errors: gatewayErrors(),
    producerErrors: DISTINCT_PRODUCER_ERRORS.map((error) => ({
      status: error.status,
      title: error.title,
      codes: error.common ? [`00${error.sub}`] : codesWithTheirApis(error),
    })),
  };
}
