import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';

// Tokens, codes, cookies and identities never reach the logs; query strings are dropped from logged URLs.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.id_token',
  '*.code',
  '*.password',
  '*.given_name',
  '*.family_name',
  '*.birthdate',
  '*.email',
];

export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[masqué]' }, base: { service: 'passerelle-particulier' } }, destination);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's identifier: the caller's X-Request-ID when well-formed, else a new UUID; echoed in the answer. */
    id: string;
    /** The logger of this request: every line carries the request's id, method and path. */
    log: Logger;
  }
}

/**
 * One line per answered request (level by status: 5xx error, 4xx warn), and `req.log` for what handlers say about it.
 * Written here rather than with pino-http: its child logger, serialised for every request before anything is logged,
 * was a tenth of the data API's cost; ours is made on first use only.
 */
export function httpLogger(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-ID', id);
    req.id = id;
    const started = performance.now();
    const described = { id, method: req.method, path: req.url?.split('?')[0] };
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { get: () => (child ??= logger.child({ req: described })), configurable: true });
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      const responseTime = Math.round(performance.now() - started);
      if (res.writableFinished) logger[level]({ req: described, res: { status }, responseTime }, 'request completed');
      else logger.warn({ req: described, res: { status }, responseTime }, 'request aborted');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
