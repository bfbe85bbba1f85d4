import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security.js';

const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url));

function cspOf(production: boolean) {
  const app = express();
  app.use(securityHeaders({ production, formTargets: ['https://fc.example.gouv.fr'] }));
  app.get('/', (_req, res) => res.send('ok'));
  return request(app)
    .get('/')
    .then((response) => String(response.headers['content-security-policy']));
}

const directives = (csp: string) => new Map(csp.split(';').map((part) => [part.trim().split(' ')[0] ?? '', part.trim()]));

describe('the Content Security Policy', () => {
  it('loads styles, fonts and images from the portal only: no other site, no inline style', async () => {
    for (const production of [false, true]) {
      const csp = directives(await cspOf(production));
      expect(csp.get('style-src')).toBe("style-src 'self'");
      expect(csp.get('font-src')).toBe("font-src 'self'");
      expect(csp.get('img-src')).toBe("img-src 'self' data:");
      expect(csp.get('default-src')).toBe("default-src 'self'");
      expect(csp.get('form-action')).toBe("form-action 'self' https://fc.example.gouv.fr");
      expect([...csp.values()].filter((directive) => /\shttps:(\s|$)|'unsafe-inline'/.test(directive))).toEqual([]);
    }
  });

  it('can do without inline styles: no template has a style attribute or a style element', () => {
    const templates = readdirSync(VIEWS_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.njk'));
    expect(templates.length).toBeGreaterThan(20);
    const inline = templates.filter((name) => /<style\b|\sstyle\s*=/i.test(readFileSync(join(VIEWS_DIR, name), 'utf8')));
    expect(inline).toEqual([]);
  });
});
