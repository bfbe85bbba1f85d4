import type { ApiErrorName } from '../http/api-errors.js';

/**
 * The gateway's errors each kind of data-API route can answer, in the order a call meets them: the token, the
 * habilitation, the rate limit, the justificatif, then the server. The OpenAPI file and /api/documentation read them.
 */
const common = ['missingToken', 'invalidToken', 'habilitationEnded', 'rateLimited'] as const satisfies ApiErrorName[];
const server = ['internal', 'unavailable'] as const satisfies ApiErrorName[];

export const DATA_API_ERRORS = {
  v1: [...common, 'noJustificatif', 'withdrawn', ...server],
  v3: [...common, 'insufficientScope', 'noJustificatif', 'withdrawn', ...server],
} as const satisfies Record<string, ApiErrorName[]>;
