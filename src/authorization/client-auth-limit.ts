import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

/**
 * Failed client authentications (401 invalid_client) at the token and revocation endpoints, per IP address and
 * minute. Successful calls are not counted, so a busy service provider is never slowed down; past the limit, a
 * secret can no longer be guessed at the speed of the network. The answer keeps OAuth's JSON shape.
 */
export const clientAuthFailureLimit = (perMinute: number): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    handler: (_req, res) => {
      res
        .status(429)
        .set('retry-after', '60')
        .json({ error: 'temporarily_unavailable', error_description: 'too many failed client authentications, retry in a minute' });
    },
  });
