import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => (req.body as { _csrf?: unknown } | undefined)?._csrf as string | undefined,
});

export const requireCsrfToken: RequestHandler = csrfSynchronisedProtection;

/** Templates call csrfToken(): only pages with a form create a session for the token. */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => generateToken(req);
  next();
};
