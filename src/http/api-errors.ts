import type { Response } from 'express';

interface ApiErrorBody {
  code: string;
  title: string;
  detail: string;
}

/** Errors in API Particulier's format: {errors:[{code,title,detail,source,meta}]}, five-character codes. */
export function sendApiError(res: Response, status: number, error: ApiErrorBody, meta: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ errors: [{ ...error, source: null, meta }] }));
}

/** Paths answered in JSON, for machines, rather than with HTML pages. */
export const isApiPath = (path: string) => path.startsWith('/api/') || path.startsWith('/v3/');

export const API_ERRORS = {
  missingToken: { code: '00101', title: 'Interdit', detail: 'Le jeton d’accès est absent ou mal formé : envoyez « Authorization: Bearer <jeton> ».' },
  invalidToken: { code: '00103', title: 'Jeton invalide', detail: 'Le jeton d’accès est inconnu, expiré ou révoqué.' },
  withdrawn: {
    code: '00410',
    title: 'Justificatif retiré',
    detail: 'La personne a retiré ces informations : elles ne sont plus disponibles. Demandez-lui ses justificatifs autrement.',
  },
  habilitationEnded: {
    code: '00100',
    title: 'Privilèges insuffisants',
    detail: 'L’habilitation de ce service à recevoir ces informations a expiré ou a été révoquée.',
  },
  insufficientScope: { code: '00100', title: 'Privilèges insuffisants', detail: 'La personne n’a pas transmis ces informations à ce service.' },
  noJustificatif: { code: '00404', title: 'Justificatif introuvable', detail: 'Aucun justificatif n’est attaché à ce jeton.' },
  rateLimited: {
    code: '00429',
    title: 'Trop de requêtes',
    detail: 'Vous avez dépassé la limite de requêtes. Réessayez après le délai indiqué par Retry-After.',
  },
  notFound: { code: '00404', title: 'Route inconnue', detail: 'Cette route n’existe pas. La description de l’API est à /api/openapi.json.' },
  unavailable: {
    code: '00503',
    title: 'Service momentanément indisponible',
    detail: 'La passerelle ne joint plus sa base de données. Réessayez après le délai indiqué par Retry-After.',
  },
  internal: {
    code: '00500',
    title: 'Erreur interne',
    detail: 'Une erreur inattendue est survenue. Donnez l’identifiant X-Request-ID si vous nous contactez.',
  },
} as const;
