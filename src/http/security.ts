import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Nothing the portal answers may be kept by a browser or a proxy: pages and API answers carry personal data or a
 * session. Mounted after the static files (which set their own, long, caching) and before everything else; the
 * answers meant to be cached (the public keys) say so themselves.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('cache-control', 'no-store');
  next();
};

/**
 * The headers of machine answers (the data API, the public keys, the OpenAPI file), computed once: JSON needs no
 * script nonce, and these routes are served before helmet and the templates so that each call costs less. Like pages,
 * they are never stored, never framed, never sniffed as another type; routes meant to be cached say so themselves.
 */
export function apiHeaders(options: { production: boolean }): RequestHandler {
  const headers: [string, string][] = [
    ['cache-control', 'no-store'],
    ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-resource-policy', 'same-origin'],
    ...(options.production ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * Helmet with a fresh nonce per response for our scripts. Forms may also post to the given origins, because a
 * sign-in or sign-out form ends in a redirect there and browsers apply form-action to redirects.
 */
export function securityHeaders(options: { production: boolean; formTargets: string[] }): RequestHandler[] {
  return [
    (_req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString('base64');
      next();
    },
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          // Nothing from another site: helmet's defaults allow any https: stylesheet and font (oidc-provider's own
          // pages fetched Google Fonts that way) and inline styles. Our templates have none; the DSFR's script sets
          // styles through element.style, which CSP does not restrict. data: is for the DSFR's CSS icons.
          'style-src': ["'self'"],
          'font-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'", ...options.formTargets],
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': options.production ? [] : null,
        },
      },
      strictTransportSecurity: options.production,
    }),
  ];
}
