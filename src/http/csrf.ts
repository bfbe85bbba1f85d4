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

const CROSS_SITE = Object.assign(new Error('formulaire envoyé depuis un autre site'), { code: 'EBADCSRFTOKEN' });

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

/**
 * Starting a sign-in needs no session beforehand, so its forms carry no token and an anonymous visit stores nothing
 * (a token would need a session per visitor). A post from another site is still refused, from what the browser
 * itself says: Sec-Fetch-Site, or the Origin header when it comes alone. Such a post could only send the person to
 * FranceConnect or ProConnect to sign in as themselves; the callback's state protects the rest.
 */
export const requireSameOriginForm: RequestHandler = (req, _res, next) => {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const crossSite = site === undefined ? origin !== undefined && hostOf(origin) !== req.host : site !== 'same-origin' && site !== 'none';
  next(crossSite ? CROSS_SITE : undefined);
};
