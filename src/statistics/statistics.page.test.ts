import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import { useViews } from '../http/views.js';
import { createJournal } from '../journal/journal.js';
import { parisDay, shortMonth } from '../wording/dates.fr.js';
import { statisticsRoutes } from './statistics.routes.js';
import { statisticsPage } from './statistics.view-model.js';

const NARROW_NBSP = '\u202f';
const NOW = Date.now();
// More days back than any month has: always an earlier month.
const EARLIER = NOW - 35 * 24 * 60 * 60 * 1000;
const monthLabel = (at: number) => shortMonth(parisDay(at).slice(0, 7));
const CSS = readFileSync(fileURLToPath(new URL('../../static/app.css', import.meta.url)), 'utf8');

let page = '';
let remove: () => Promise<void>;

beforeAll(async () => {
  const database = await temporaryDatabase();
  remove = database.remove;
  const journal = createJournal(database.db, randomBytes(32));
  const append = (type: Parameters<typeof journal.append>[0]['type'], at: number, data: Record<string, unknown> = {}, subject?: string) =>
    journal.append({ type, actor: 'system', data, ...(subject === undefined ? {} : { subject }) }, undefined, at);
  await append('consent.transmitted', EARLIER, { procedure: 'Cantine', scopes: ['cnaf_quotient_familial'] });
  await append('consent.refused', EARLIER, { procedure: 'Cantine', scopes: ['cnaf_quotient_familial'] });
  await append('justificatif.fetched', EARLIER, { procedure: 'Cantine', producers: [], status: 200 });
  await append('consent.transmitted', NOW, { procedure: 'Cantine', scopes: ['cnaf_quotient_familial'] });
  // 8 answered requests out of 13: 61.5 % availability this month.
  for (let i = 0; i < 8; i += 1) await append('justificatif.fetched', NOW, { procedure: 'Cantine', producers: [], status: 200 });
  for (let i = 0; i < 5; i += 1) await append('api.error', NOW, { route: '/api/v1/justificatif' });
  for (const status of ['ok', 'not_found', 'unavailable', 'ok']) await append('source.fetched', NOW, { status }, 'source:quotient_familial');
  const app = express();
  useViews(app, { serviceName: 'Passerelle Particulier', serviceTagline: 'test' }, { cache: false });
  app.use(statisticsRoutes(database.db));
  const response = await request(app).get('/statistiques');
  expect(response.status).toBe(200);
  page = response.text;
});
afterAll(() => remove());

const svgs = () => [...page.matchAll(/<svg class="pp-chart"[\s\S]*?<\/svg>/g)].map(([svg]) => svg);
const textsOf = (html: string, className: string) =>
  [...html.matchAll(new RegExp(`<text class="${className}"[^>]*>([^<]*)</text>`, 'g'))].map(([, text]) => text);
/** Each row of a chart: its label, then its bars in order, each followed by its written value. */
const rowsOf = (svg: string) =>
  [...svg.matchAll(/<g class="pp-chart__row">([\s\S]*?)<\/g>/g)].map(([, row = '']) => ({
    row,
    label: /^\s*<text class="pp-chart__label"[^>]*>([^<]*)<\/text>\s*<rect/.exec(row)?.[1],
    bars: [...row.matchAll(/<rect class="([^"]+)"[^>]*\swidth="([\d.]+)%"[^>]*><title>([^<]*)<\/title><\/rect>/g)].map(
      ([, className = '', width = '', title = '']) => ({ className, width, title }),
    ),
    values: [...row.matchAll(/<text class="pp-chart__value" x="([\d.]+)%"[^>]*>([^<]*)<\/text>/g)].map(([, x, text]) => ({ x, text })),
  }));
/** The declarations of every CSS rule whose selector names the class. */
const rulesFor = (className: string) =>
  [...CSS.matchAll(/([^{}]+)\{([^}]*)\}/g)]
    .filter(([, selector = '']) => new RegExp(`\\.${className}(?![\\w-])`).test(selector))
    .map(([, , body]) => body ?? '');

describe('the public statistics page', () => {
  it('writes every figure the French way, in the tables and in the charts: decimal comma, narrow no-break space before %', () => {
    const [usage, sources, availability] = svgs();
    expect(page).toContain(`<td data-label="Disponibilité">61,5${NARROW_NBSP}%</td>`);
    expect(page).toContain(`<td data-label="Disponibilité">75,0${NARROW_NBSP}%</td>`);
    expect(textsOf(availability ?? '', 'pp-chart__value')).toEqual([`100,0${NARROW_NBSP}%`, `61,5${NARROW_NBSP}%`]);
    expect(textsOf(availability ?? '', 'pp-chart__label')).toContain(`objectif 95${NARROW_NBSP}%`);
    expect(textsOf(sources ?? '', 'pp-chart__value')).toEqual([`75,0${NARROW_NBSP}%`]);
    expect(textsOf(usage ?? '', 'pp-chart__value')).toContain('8 consultations');
    expect(page).toContain(`Engagement : 95${NARROW_NBSP}% au moins`);
    const visible = page.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ');
    expect(visible).not.toMatch(/\d\.\d/);
    expect(visible).not.toMatch(/\d %/);
  });

  it('writes thousands with a narrow no-break space, in the tables and in the charts', () => {
    const model = statisticsPage({
      months: [{ month: '2026-11', transmissions: 12345, refusals: 1, fetches: 0, apiRequests: 2000, apiErrors: 0, availability: 1 }],
      byProducer: [],
      byProcedure: [{ name: 'Cantine', transmissions: 12345, refusals: 1, fetches: 0 }],
      sources: [],
      computedAt: NOW,
    });
    expect(model.monthRows[0]?.transmissions).toBe(`12${NARROW_NBSP}345`);
    expect(model.monthRows[0]?.apiRequests).toBe(`2${NARROW_NBSP}000`);
    expect(model.procedureRows[0]?.transmissions).toBe(`12${NARROW_NBSP}345`);
    expect(model.usage.rows[0]?.bars.map((bar) => bar.value.text)).toEqual([`12${NARROW_NBSP}345 transmissions`, '1 refus', '0 consultation']);
  });

  it('groups each label with its bars: the month at the start of its row, each value written at its bar’s end', () => {
    const [usage, sources, availability] = svgs();
    const usageRows = rowsOf(usage ?? '');
    expect(usageRows.map((r) => r.label)).toEqual([monthLabel(EARLIER), monthLabel(NOW)]);
    expect(usageRows.map((r) => r.values.map((v) => v.text))).toEqual([
      ['1 transmission', '1 refus', '1 consultation'],
      ['1 transmission', '0 refus', '8 consultations'],
    ]);
    for (const { bars, values } of usageRows) {
      expect(bars).toHaveLength(3);
      // The value starts where its bar ends.
      expect(values.map((v) => v.x)).toEqual(bars.map((b) => b.width));
    }
    expect(usageRows[1]?.bars.map((b) => b.title)).toEqual([
      `${monthLabel(NOW)} : 1 transmission`,
      `${monthLabel(NOW)} : 0 refus`,
      `${monthLabel(NOW)} : 8 consultations`,
    ]);
    expect(rowsOf(sources ?? '').map((r) => [r.label, r.values.map((v) => v.text)])).toEqual([
      ['Quotient familial CAF et MSA', [`75,0${NARROW_NBSP}%`]],
    ]);
    // A month under the target says so in words, not by its colour alone.
    expect(rowsOf(availability ?? '').map((r) => r.label)).toEqual([monthLabel(EARLIER), `${monthLabel(NOW)} (sous l’objectif)`]);
  });

  it('colours counts neutrally: refusals are not red, nothing is green', () => {
    const usageRows = rowsOf(svgs()[0] ?? '');
    const refusalClasses = new Set(usageRows.flatMap((r) => r.bars.filter((b) => b.title.endsWith(' refus')).map((b) => b.className)));
    expect(refusalClasses.size).toBe(1);
    const countClasses = new Set(usageRows.flatMap((r) => r.bars.map((b) => b.className)));
    for (const className of countClasses) {
      const rules = rulesFor(className);
      expect(rules.length, className).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule, className).toMatch(/var\(--(artwork|text|background)-[a-z-]*(grey|blue-france)\)/);
        expect(rule, className).not.toMatch(/red|error|warning|success|green|marianne|#/i);
      }
    }
  });

  it('keeps chart text readable at 320 px: no viewBox scales it down, and its CSS size is at least 12 px', () => {
    expect(svgs()).toHaveLength(3);
    for (const svg of svgs()) {
      const open = /<svg[^>]*>/.exec(svg)?.[0] ?? '';
      expect(open).not.toMatch(/viewBox/i);
      expect(open).toContain('width="100%"');
      expect(svg).not.toMatch(/font-size|transform/);
    }
    for (const className of ['pp-chart__label', 'pp-chart__value']) {
      const size = rulesFor(className)
        .map((rule) => /font-size:\s*([\d.]+)(px|rem)/.exec(rule))
        .find((match) => match !== null);
      expect(size, className).toBeTruthy();
      expect(Number(size?.[1]) * (size?.[2] === 'rem' ? 16 : 1), className).toBeGreaterThanOrEqual(12);
    }
    expect(page).not.toMatch(/<style\b|\sstyle=/i);
  });
});
