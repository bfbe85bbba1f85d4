import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../db/database.js';
import { ACTION_LINKS, ERROR_MESSAGES, type ErrorCode } from '../wording/messages.fr.js';
import { API_ERRORS, isApiPath, sendApiError } from './api-errors.js';
import { AppError, type ErrorViewContext } from './errors.js';

/** The error page's data: catalogue text with the service provider's name filled in, and its buttons. */
export function errorView(code: ErrorCode, context: ErrorViewContext & { requestId?: string; retryHref?: string }) {
  const message = ERROR_MESSAGES[code];
  const fill = (text: string) => text.replaceAll('{sp}', context.sp ?? 'le service');
  const actions = message.actions.map((action) =>
    action === 'retry-sign-in' && context.retryHref !== undefined
      ? { ...ACTION_LINKS[action], href: context.retryHref, method: 'get' }
      : ACTION_LINKS[action],
  );
  return {
    ...message,
    pageTitle: fill(message.pageTitle),
    title: fill(message.title),
    lead: fill(message.lead),
    help: message.help.map(fill),
    code,
    requestId: context.requestId,
    actions: context.back === undefined ? actions : [{ ...context.back, method: 'get' }, ...actions],
  };
}

export function renderError(res: Response, code: ErrorCode, context: ErrorViewContext = {}): void {
  const view = errorView(code, { ...context, requestId: String(res.req.id), retryHref: res.locals.retryHref as string | undefined });
  res.status(view.status).render('errors/error.njk', view);
}

/** The database is back within seconds in a restart or a failover: clients are told when to try again. */
export const RETRY_AFTER_SECONDS = 5;

export const notFound: RequestHandler = (_req, res) => renderError(res, 'HTTP-404');

/** Known failures come as AppError; anything else is logged in full and shown as a plain 500 page. */
function classify(error: unknown): ErrorCode {
  if (error instanceof AppError) return error.code;
  const { code, status, type } = (error ?? {}) as { code?: unknown; status?: unknown; type?: unknown };
  if (code === 'EBADCSRFTOKEN') return 'HTTP-403';
  if (status === 413 || type === 'entity.parse.failed' || type === 'entity.too.large' || status === 400) return 'HTTP-400';
  if (isDatabaseUnavailable(error)) return 'HTTP-503';
  return 'HTTP-500';
}

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const code = classify(error);
  if (code === 'HTTP-503') res.set('retry-after', String(RETRY_AFTER_SECONDS));
  if (isApiPath(req.path)) {
    if (code === 'HTTP-400') return sendApiError(res, API_ERRORS.badRequest);
    req.log.error({ err: error }, 'erreur inattendue de l’API');
    return code === 'HTTP-503' ? sendApiError(res, API_ERRORS.unavailable) : sendApiError(res, API_ERRORS.internal);
  }
  if (code === 'HTTP-500' || code === 'HTTP-503')
    req.log.error({ err: error, code }, code === 'HTTP-503' ? 'base de données injoignable' : 'erreur inattendue');
  else {
    const reason = error instanceof AppError ? error.reason : String(error?.message ?? error);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    req.log.warn({ code, reason, cause }, 'erreur présentée à l’usager');
  }
  renderError(res, code, error instanceof AppError ? error.view : {});
};
