import type { Response } from 'express';

/** One error of the API: its HTTP status and its body's fields; `meta` shows what an answer adds, for the documentation. */
export interface ApiError {
  status: number;
  code: string;
  title: string;
  detail: string;
  meta?: Record<string, string>;
}

/** The body of an error in API Particulier's format: {errors:[{code,title,detail,source,meta}]}, five-character codes. */
export const apiErrorBody = ({ code, title, detail }: Omit<ApiError, 'status'>, meta: Record<string, unknown> = {}) => ({
  errors: [{ code, title, detail, source: null, meta }],
});

export function sendApiError(res: Response, error: ApiError, meta: Record<string, unknown> = {}): void {
  res
    .status(error.status)
    .type('application/json')
    .send(JSON.stringify(apiErrorBody(error, meta)));
}

/** Paths answered in JSON, for machines, rather than with HTML pages. */
export const isApiPath = (path: string) => path.startsWith('/api/') || path.startsWith('/v3/');

/**
 * Every error the gateway itself answers, in one place: the routes send them, and the OpenAPI file and
 * /api/documentation list them from here. Errors of the data producers, on v3 routes, are in v3-answer.ts.
 */
export const API_ERRORS = {
  badRequest: { status: 400, code: '00400', title: 'Requête incorrecte', detail: 'La requête est mal formée.' },
  missingToken: {
    status: 401,
    code: '00101',
    title: 'Interdit',
    detail: 'Le jeton d’accès est absent ou mal formé : envoyez « Authorization: Bearer <jeton> ».',
  },
  invalidToken: { status: 401, code: '00103', title: 'Jeton invalide', detail: 'Le jeton d’accès est inconnu, expiré ou révoqué.' },
  habilitationEnded: {
    status: 403,
    code: '00100',
    title: 'Privilèges insuffisants',
    detail: 'L’habilitation de ce service à recevoir ces informations a expiré ou a été révoquée.',
  },
  insufficientScope: {
    status: 403,
    code: '00100',
    title: 'Privilèges insuffisants',
    detail: 'La personne n’a pas transmis ces informations à ce service.',
  },
  noJustificatif: { status: 404, code: '00404', title: 'Justificatif introuvable', detail: 'Aucun justificatif n’est attaché à ce jeton.' },
  notFound: {
    status: 404,
    code: '00404',
    title: 'Route inconnue',
    detail: 'Cette route n’existe pas. La description de l’API est à /api/openapi.json.',
  },
  withdrawn: {
    status: 410,
    code: '00410',
    title: 'Justificatif retiré',
    detail: 'La personne a retiré ces informations : elles ne sont plus disponibles. Demandez-lui ses justificatifs autrement.',
    meta: { retire_le: '2026-12-01T09:30:00.000Z' },
  },
  rateLimited: {
    status: 429,
    code: '00429',
    title: 'Trop de requêtes',
    detail: 'Vous avez dépassé la limite de requêtes. Réessayez après le délai indiqué par Retry-After.',
  },
  internal: {
    status: 500,
    code: '00500',
    title: 'Erreur interne',
    detail: 'Une erreur inattendue est survenue. Donnez l’identifiant X-Request-ID si vous nous contactez.',
  },
  unavailable: {
    status: 503,
    code: '00503',
    title: 'Service momentanément indisponible',
    detail: 'La passerelle ne joint plus sa base de données. Réessayez après le délai indiqué par Retry-After.',
  },
} as const satisfies Record<string, ApiError>;

export type ApiErrorName = keyof typeof API_ERRORS;
