import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError } from './errors.js';
import { ACTION_LINKS, ERROR_MESSAGES, type ErrorCode } from './messages.fr.js';

export function renderError(res: Response, code: ErrorCode): void {
  const message = ERROR_MESSAGES[code];
  res.status(message.status).render('errors/error.njk', {
    ...message,
    code,
    requestId: res.req.id,
    actions: message.actions.map((action) => ACTION_LINKS[action]),
  });
}

export const notFound: RequestHandler = (_req, res) => renderError(res, 'HTTP-404');

/** Known failures come as AppError; anything else is logged in full and shown as a plain 500 page. */
function classify(error: unknown): ErrorCode {
  if (error instanceof AppError) return error.code;
  const { code, status, type } = (error ?? {}) as { code?: unknown; status?: unknown; type?: unknown };
  if (code === 'EBADCSRFTOKEN') return 'HTTP-403';
  if (status === 413 || type === 'entity.parse.failed' || type === 'entity.too.large' || status === 400) return 'HTTP-400';
  return 'HTTP-500';
}

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const code = classify(error);
  if (code === 'HTTP-500') req.log.error({ err: error, code }, 'erreur inattendue');
  else {
    const reason = error instanceof AppError ? error.reason : String(error?.message ?? error);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    req.log.warn({ code, reason, cause }, 'erreur présentée à l’usager');
  }
  renderError(res, code);
};
