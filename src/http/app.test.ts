import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import { loadConfig } from '../config/config.js';
import { composeApp } from '../server.js';
import { errorHandler } from './error-handler.js';
import { createLogger, httpLogger } from './logger.js';
import { useViews } from './views.js';

const { db, url, directory, remove } = await temporaryDatabase();
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: url,
  FC_ISSUER: 'http://127.0.0.1:9/api/v2',
  JOURNAL_ANCHOR_FILE: `${directory}/journal-anchors.jsonl`,
});
const logger = createLogger('silent');
const { app, purgeTimer } = await composeApp(config, db, logger);
purgeTimer.stop();

afterAll(remove);

describe('portal HTTP layer', () => {
  it('sends a CSP with a fresh nonce that the page scripts carry, and refuses framing', async () => {
    const first = await request(app).get('/');
    const second = await request(app).get('/');
    const csp = first.headers['content-security-policy'] as string;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers['content-security-policy']).not.toContain(nonce);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("form-action 'self' http://127.0.0.1:9");
    expect(first.text).toContain(`nonce="${nonce}"`);
    expect(first.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(first.text).toContain('<html lang="fr"');
  });

  it('sets no session cookie for anonymous pages, forms included (the session starts with a sign-in)', async () => {
    for (const path of ['/', '/agents/connexion', '/mon-espace', '/healthz']) {
      expect((await request(app).get(path)).headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('echoes a well-formed X-Request-ID and replaces a malformed one', async () => {
    expect((await request(app).get('/healthz').set('X-Request-ID', 'abc-12345678')).headers['x-request-id']).toBe('abc-12345678');
    expect((await request(app).get('/healthz').set('X-Request-ID', '<script>alert(1)</script>')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the DSFR from node_modules with long caching', async () => {
    const home = await request(app).get('/');
    const css = /href="(\/dsfr\/[^"]+\/dsfr\.min\.css)"/.exec(home.text)?.[1] ?? '';
    const response = await request(app).get(css);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('lets nothing that may carry personal data or a session be stored: pages, API answers, errors; only public files are cached', async () => {
    for (const path of [
      '/',
      '/mon-espace',
      '/agents/connexion',
      '/api/v1/justificatif',
      '/v3/dss/quotient_familial/france_connect',
      '/verifier',
      '/page-inconnue',
    ]) {
      expect((await request(app).get(path)).headers['cache-control'], path).toBe('no-store');
    }
    expect((await request(app).get('/.well-known/jwks.json')).headers['cache-control']).toBe('public, max-age=600');
    expect((await request(app).get('/static/app.css')).headers['cache-control']).not.toContain('no-store');
  });

  it('gives machine answers fixed security headers without a script nonce: no sniffing, no framing, nothing loaded', async () => {
    for (const path of ['/api/v1/justificatif', '/v3/dss/quotient_familial/france_connect', '/.well-known/jwks.json', '/api/openapi.json']) {
      const response = await request(app).get(path);
      expect(response.headers['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
      expect(response.headers['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers an unknown page with the French 404 page', async () => {
    const response = await request(app).get('/nulle-part');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page non trouvée');
    expect(response.text).toContain('Erreur HTTP-404');
  });

  it('answers a malformed form body with a 400 page, not a 500', async () => {
    const response = await request(app).post('/connexion/franceconnect').type('form').send('a'.repeat(20_000));
    expect(response.status).toBe(400);
    expect(response.text).toContain('Demande incorrecte');
  });

  it('answers a Host header that is not a host with the 400 page, on the authorization server’s routes too', async () => {
    for (const host of ['[::1', 'exa mple', 'localhost:99999', 'a:b:c']) {
      for (const path of ['/', '/oidc/.well-known/openid-configuration', '/oidc/auth?client_id=x']) {
        const response = await request(app).get(path).set('Host', host);
        expect(response.status, `${host} ${path}`).toBe(400);
        expect(response.text).toContain('Demande incorrecte');
      }
    }
    expect((await request(app).get('/oidc/.well-known/openid-configuration').set('Host', 'passerelle.exemple.gouv.fr')).status).toBe(200);
  });

  it('reports liveness and readiness, and readiness fails once the database is gone', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ok', database: 'ok' });
    await db.destroy();
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'indisponible', database: 'injoignable' });
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});

describe('error handler', () => {
  it('shows an unexpected failure as the French 500 page with a request id and no stack trace', async () => {
    const failing = express();
    failing.use(httpLogger(logger));
    useViews(failing, { serviceName: 'Test', serviceTagline: 'Test' }, { cache: false });
    failing.get('/boum', () => {
      throw new Error('secret interne at /srv/app/src/boum.ts:12');
    });
    failing.use(errorHandler);
    const response = await request(failing).get('/boum');
    expect(response.status).toBe(500);
    expect(response.text).toContain('Erreur inattendue');
    expect(response.text).toContain(response.headers['x-request-id']);
    expect(response.text).not.toContain('secret interne');
    expect(response.text).not.toContain('boum.ts');
  });
});
