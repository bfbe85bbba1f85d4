import type { RequestHandler } from 'express';
import { AppError } from './errors.js';

const isHost = (value: string) => {
  try {
    return new URL(`http://${value}`).host !== '';
  } catch {
    return false;
  }
};

/**
 * A Host (or trusted X-Forwarded-Host) that is not a host name or address with an optional port is refused before
 * anything builds a URL from it: oidc-provider does, and would answer a 500.
 */
export const requireValidHost: RequestHandler = (req, _res, next) => {
  const hosts = [req.get('host'), req.host];
  next(hosts.every((host) => host !== undefined && isHost(host)) ? undefined : new AppError('HTTP-400', 'en-tête Host invalide'));
};
