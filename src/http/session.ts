import type { Request, RequestHandler } from 'express';
import session from 'express-session';

export interface SessionSettings {
  secret: string;
  cookieName: string;
  secureCookie: boolean;
  idleMinutes: number;
  /** However active, a signed-in session ends this long after the sign-in. */
  maxHours: number;
}

declare module 'express-session' {
  interface SessionData {
    /** When the person signed in: the start of the session's absolute lifetime. */
    startedAt: number;
  }
}

/** Rolling sessions: each request pushes the expiry back by the idle time; a redirect waits for a changed session to be stored. */
export function sessionMiddleware(settings: SessionSettings, store: session.Store): RequestHandler[] {
  const sessions = session({
    name: settings.cookieName,
    secret: settings.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secureCookie,
      path: '/',
      maxAge: settings.idleMinutes * 60 * 1000,
    },
  });
  return [sessions, endAgedSession(settings.maxHours * 3600 * 1000), saveSessionBeforeRedirect];
}

const promisify =
  (method: 'regenerate' | 'destroy' | 'save') =>
  (req: Request): Promise<void> =>
    new Promise((resolve, reject) => req.session[method]((error?: unknown) => (error ? reject(error) : resolve())));

/** A new session id on every change of who is signed in, so that a fixed or stolen id is worth nothing. */
export const regenerateSession = promisify('regenerate');

/** The session of someone who just signed in: a new id, and the moment its absolute lifetime starts. */
export async function startSignedInSession(req: Request): Promise<void> {
  await regenerateSession(req);
  req.session.startedAt = Date.now();
}

/**
 * Rolling expiry alone would keep a session alive for as long as someone (or something) keeps using it, a stolen
 * cookie included. Past its absolute lifetime it ends, however active: the request goes on as an anonymous one.
 */
function endAgedSession(maxMs: number): RequestHandler {
  return (req, _res, next) => {
    const startedAt = req.session?.startedAt;
    if (startedAt === undefined || Date.now() - startedAt < maxMs) return next();
    regenerateSession(req).then(() => next(), next);
  };
}
export const destroySession = promisify('destroy');
const saveSession = promisify('save');

const sessionContent = (req: Request) => JSON.stringify(req.session ?? null, (key, value: unknown) => (key === 'cookie' ? undefined : value));

/**
 * express-session saves a changed session while the response goes out: a redirect's headers leave first, and the
 * browser may ask for the next page before the save reaches the store. On SQLite's single connection the save always
 * won; on PostgreSQL, or with the next step served by another node, the next page could read the old session and
 * answer "Cette demande n’est plus valide". A redirect after a change therefore waits for the save.
 */
const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const loaded = sessionContent(req);
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (req.session === undefined || sessionContent(req) === loaded) return redirect(...args);
    saveSession(req).then(() => redirect(...args), next);
  }) as typeof res.redirect;
  next();
};
