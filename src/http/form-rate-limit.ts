import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { renderError } from './error-handler.js';

/** Form posts (sign-ins, decisions) per IP address and minute; past it, the French "Trop de demandes" page. */
export const formRateLimit = (perMinute: number): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => renderError(res, 'HTTP-429'),
  });
