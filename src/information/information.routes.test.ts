import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import { textOf, titleOf } from '../../test/helpers/html.js';
import { TTL } from '../authorization/authorization-server.js';
import { CATALOGUE_SCOPES, groupByProducer } from '../catalogue/catalogue.js';
import { loadConfig } from '../config/config.js';
import { createLogger } from '../http/logger.js';
import { composeApp } from '../server.js';
import { PUBLISHER } from '../wording/publisher.fr.js';

const { db, url, directory, remove } = await temporaryDatabase();
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: url,
  FC_ISSUER: 'http://127.0.0.1:9/api/v2',
  JOURNAL_ANCHOR_FILE: `${directory}/journal-anchors.jsonl`,
  // Durations other than the defaults: the pages must say the ones in force.
  SESSION_IDLE_MINUTES: '25',
  SESSION_MAX_HOURS: '9',
  RETENTION_PURGE_INTERVAL_MINUTES: '45',
});
const { app, purgeTimer } = await composeApp(config, db, createLogger('silent'));
purgeTimer.stop();
afterAll(remove);

const PAGES = [
  { path: '/plan-du-site', h1: 'Plan du site' },
  { path: '/accessibilite', h1: 'Déclaration d’accessibilité' },
  { path: '/mentions-legales', h1: 'Mentions légales' },
  { path: '/donnees-personnelles', h1: 'Données personnelles' },
  { path: '/aide', h1: 'Aide' },
];

const page = async (path: string) => {
  const response = await request(app).get(path);
  expect(response.status, path).toBe(200);
  return { html: response.text, text: textOf(response.text) };
};
const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
/** The heading levels of the page's content, in order. */
const headings = (html: string) => [...main(html).matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));
const setCookieNames = (headers: Record<string, unknown>) =>
  ((headers['set-cookie'] as string[] | undefined) ?? []).map((cookie) => cookie.slice(0, cookie.indexOf('=')));

describe('the footer’s information pages', () => {
  it('answer in French with one h1, their title, headings that never skip a level, and no cookie', async () => {
    for (const { path, h1 } of PAGES) {
      const response = await request(app).get(path);
      expect(response.status, path).toBe(200);
      expect(response.text, path).toContain('<html lang="fr"');
      expect(titleOf(response.text), path).toBe(`${h1} – Passerelle Particulier`);
      expect(
        [...response.text.matchAll(/<h1\b[^>]*>([^<]*)<\/h1>/g)].map((match) => match[1]),
        path,
      ).toEqual([h1]);
      const levels = headings(response.text);
      expect(levels[0], path).toBe(1);
      expect(
        levels.every((level, index) => index === 0 || level <= (levels[index - 1] ?? 0) + 1),
        `${path} : ${levels.join(' ')}`,
      ).toBe(true);
      expect(response.headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('are all linked from the footer of the home page, « Accessibilité : non conforme » included, beside its former links', async () => {
    const { html } = await page('/');
    const bottom = /<ul class="fr-footer__bottom-list">[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
    const links = [...bottom.matchAll(/<a class="fr-footer__bottom-link" href="([^"]+)">([^<]+)<\/a>/g)].map((match) => [match[2], match[1]]);
    expect(links).toEqual([
      ['Plan du site', '/plan-du-site'],
      ['Accessibilité : non conforme', '/accessibilite'],
      ['Mentions légales', '/mentions-legales'],
      ['Données personnelles', '/donnees-personnelles'],
      ['Aide', '/aide'],
      ['Vérifier un justificatif', '/verifier'],
      ['Statistiques', '/statistiques'],
      ['Espace agents', '/agents/connexion'],
      ['Espace fournisseurs', '/fournisseurs'],
      ['Documentation des services', '/api/documentation'],
    ]);
  });

  it('states that the service is not compliant, not audited, the date, what the automatic tests check, and where to complain', async () => {
    const { html, text } = await page('/accessibilite');
    expect(textOf(/data-testid="etat-de-conformite">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '')).toMatch(
      /^Passerelle Particulier est non conforme avec le référentiel général d’amélioration de l’accessibilité \(RGAA\), version 4\.1\. Le service n’a pas encore été audité/,
    );
    expect(text).not.toMatch(/partiellement conforme|totalement conforme|\d+ ?% des critères/);
    expect(text).toContain('Cette déclaration a été établie le 4 décembre 2026.');
    expect(text).toContain('Un audit complet est à venir');
    for (const fact of ['axe-core', '1 280 et de 320 pixels', 'avec et sans JavaScript', 'WCAG 2.1']) expect(text, fact).toContain(fact);
    // The known non-compliance names the session limits in force.
    expect(text).toContain('votre session se termine après 25 minutes sans activité, et au plus tard 9 heures après la connexion');
    expect(text).toContain(`Par courrier électronique : ${PUBLISHER.accessibilityEmail}`);
    expect(text).toContain('Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07');
    expect(html).toContain('href="https://formulaire.defenseurdesdroits.fr/"');
  });

  it('names the publisher, the publication director, the host and the DSFR’s terms in the legal notice', async () => {
    const { text } = await page('/mentions-legales');
    expect(text).toContain(`Passerelle Particulier est édité par : ${PUBLISHER.name} ${PUBLISHER.address.join(' ')}`);
    expect(text).toContain(`Directrice ou directeur de la publication : ${PUBLISHER.publicationDirector}.`);
    expect(text).toContain(`${PUBLISHER.host.name} ${PUBLISHER.host.address.join(' ')} France`);
    expect(text).toContain('Licence Ouverte Etalab 2.0');
    // The values of the demonstration world, never a real body's.
    expect(PUBLISHER.name).toMatch(/démonstration/);
    expect(PUBLISHER.dataProtectionOfficer.email).toMatch(/\.example$/);
  });

  it('tells the controller, the DPO, purposes and legal bases, data, recipients, durations in force, rights and the CNIL', async () => {
    const { html, text } = await page('/donnees-personnelles');
    expect(text).toContain(`Le responsable du traitement est ${PUBLISHER.name}`);
    expect(html).toContain(`href="mailto:${PUBLISHER.dataProtectionOfficer.email}" data-testid="dpd"`);
    for (const basis of [
      'Base légale : votre consentement (article 6.1.a du RGPD)',
      'Base légale : mission d’intérêt public (article 6.1.e du RGPD)',
      'L114-8',
    ])
      expect(text, basis).toContain(basis);
    // Every item the catalogue offers, under the administration that holds it.
    for (const group of groupByProducer(CATALOGUE_SCOPES)) {
      expect(text).toContain(`${group.name} ${group.items.map((item) => item.title).join(' ')}`);
    }
    expect(text).toContain('le temps de votre session. Elle se termine après 25 minutes sans activité, et au plus tard 9 heures après la connexion.');
    expect(text).toContain('Il est effacé au plus tard 45 minutes après cette date, et aussitôt si vous retirez vos informations.');
    expect(text.match(/aucune durée n’est encore fixée/g)).toHaveLength(2);
    for (const right of ['Accès', 'Rectification', 'Retrait du consentement et effacement', 'Opposition et limitation', 'Portabilité'])
      expect(text, right).toContain(`${right} :`);
    expect(text).toContain('adressez-vous à l’administration qui la détient');
    expect(html).toMatch(/href="https:\/\/www\.cnil\.fr\/fr\/adresser-une-plainte"[^>]*data-testid="cnil"/);
    expect(text).toContain('ne sont transférées vers aucun pays hors de l’Union européenne');
  });

  it('lists every cookie the portal sets, with the lifetimes in force', async () => {
    const { html } = await page('/donnees-personnelles');
    const list = /data-testid="cookies">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    const listed = [...list.matchAll(/<strong data-testid="cookie">([^<]+)<\/strong>/g)].map((match) => match[1]);
    expect(listed).toEqual([config.session.cookieName, 'pp_session', 'pp_interaction', 'pp_interaction_resume']);
    // A service's request sets the authorization server's cookies: each is listed, or signs one that is.
    const authorization = await request(app)
      .get('/oidc/auth')
      .query({
        client_id: 'demo-cantine-exempleville',
        redirect_uri: `${config.demoServiceProvider.url}/callback`,
        response_type: 'code',
        scope: 'openid cnaf_quotient_familial',
        state: 'etat-information',
        nonce: 'nonce-information-0123456789',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
    expect(authorization.status).toBe(303);
    const set = setCookieNames(authorization.headers);
    expect(set).toEqual(expect.arrayContaining(['pp_interaction', 'pp_interaction.sig', 'pp_interaction_resume', 'pp_interaction_resume.sig']));
    expect(set.filter((name) => !listed.includes(name.replace(/\.sig$/, '')))).toEqual([]);
    const cookies = textOf(list);
    expect(cookies).toContain('Expire après 25 minutes sans activité, et au plus tard 9 heures après la connexion.');
    // The authorization server's own lifetimes, which the page states in minutes.
    expect([TTL.Session, TTL.Interaction]).toEqual([30 * 60, 30 * 60]);
    expect(cookies).toContain('Expire après 30 minutes sans activité, et au plus tard 9 heures après la connexion.');
    expect(cookies.match(/pp_interaction(_resume)? .*? 30 minutes\./g)).toHaveLength(2);
  });

  it('answers the frequent questions in DSFR accordions that stay readable without JavaScript', async () => {
    const { html, text } = await page('/aide');
    const buttons = [
      ...html.matchAll(/<button class="fr-accordion__btn" aria-expanded="false" aria-controls="([^"]+)" type="button">([^<]+)<\/button>/g),
    ];
    expect(buttons.map((match) => match[2])).toEqual([
      'Qui voit mes informations ?',
      'Une information est fausse : que faire ?',
      'Que se passe-t-il si je ne transmets pas ?',
      'Comment retirer mes informations ?',
      'Combien de temps mes informations sont-elles gardées ?',
      'Je n’ai pas de compte FranceConnect',
      'Je suis né(e) à l’étranger',
      'Qu’est-ce qu’un justificatif ?',
      'Comment vérifier un justificatif ?',
    ]);
    for (const [, id] of buttons) expect(html, id).toMatch(new RegExp(`<div class="fr-collapse" id="${id}">\\s*<p>`));
    expect(text).toContain('PP-AAAA-XXXX-XXXX');
    expect(html).toContain('href="/verifier"');
    expect(html).toContain('href="/mon-espace"');
    // DSFR hides a collapsed section even without its script; the portal's style sheet shows it then.
    const css = readFileSync(new URL('../../static/app.css', import.meta.url), 'utf8');
    expect(css).toMatch(/html:not\(\[data-fr-js\]\) \.fr-collapse:not\(\.fr-collapse--expanded\) \{[^}]*visibility: visible;/);
  });

  it('maps the public pages, every link of the site map leading to a page', async () => {
    const { html } = await page('/plan-du-site');
    const links = [...main(html).matchAll(/<a href="([^"]+)">/g)].map((match) => match[1] ?? '');
    expect(links).toEqual([
      '/',
      '/mon-espace',
      '/verifier',
      '/aide',
      '/agents/connexion',
      '/fournisseurs',
      '/api/documentation',
      '/statistiques',
      '/accessibilite',
      '/mentions-legales',
      '/donnees-personnelles',
    ]);
    // Mon espace answers its sign-in page with 401 to someone not signed in; every other page with 200.
    for (const link of links) expect((await request(app).get(link)).status, link).toBe(link === '/mon-espace' ? 401 : 200);
  });
});
