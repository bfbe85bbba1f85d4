import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import nunjucks from 'nunjucks';
import { withPreposition } from '../wording/contractions.fr.js';

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('../../static', import.meta.url));

const dsfrPackage = createRequire(import.meta.url)('@gouvfr/dsfr/package.json') as { version: string };
const DSFR_DIST = join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');
// The version in the path lets browsers cache DSFR files for a year and still see an upgrade at once.
export const DSFR_PATH = `/dsfr/${dsfrPackage.version}`;

export interface Branding {
  serviceName: string;
  serviceTagline: string;
}

/** One nunjucks environment per app, autoescaping everything, with the DSFR and our own assets mounted. */
export function useViews(app: Express, branding: Branding, options: { cache: boolean }): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: !options.cache }), {
    autoescape: true,
  });
  env.addGlobal('dsfrPath', DSFR_PATH);
  env.addGlobal('branding', branding);
  // « auprès {{ producer | de }} », « redemander {{ producer | a }} »: du, au, des, aux where French contracts them.
  env.addFilter('de', (phrase: string) => withPreposition('de', phrase));
  env.addFilter('a', (phrase: string) => withPreposition('à', phrase));
  env.express(app);
  app.set('view engine', 'njk');
  app.use(DSFR_PATH, staticFiles(DSFR_DIST, '1y'));
  // Browsers ask for /favicon.ico on their own, even on pages that name another icon.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, `${DSFR_PATH}/favicon/favicon.ico`));
  app.use('/static', staticFiles(STATIC_DIR, options.cache ? '1h' : 0));
  return env;
}

function staticFiles(root: string, maxAge: string | number): RequestHandler {
  return express.static(root, { index: false, maxAge, immutable: maxAge === '1y', fallthrough: true });
}
