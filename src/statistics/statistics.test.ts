import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDatabase } from '../../test/helpers/database.js';
import type { Database } from '../db/schema.js';
import { createJournal } from '../journal/journal.js';
import { groupedBars, shareBars } from './charts.js';
import { cachedStatistics, computeStatistics } from './statistics.service.js';

let db: Kysely<Database>;
let remove: () => Promise<void>;
const OCTOBER = Date.parse('2026-10-15T12:00:00Z');
const NOVEMBER = Date.parse('2026-11-15T12:00:00Z');

beforeAll(async () => {
  ({ db, remove } = await temporaryDatabase());
  const journal = createJournal(db, randomBytes(32));
  const consent = (type: 'consent.transmitted' | 'consent.refused', at: number, procedure: string, scopes: string[]) =>
    journal.append({ type, actor: 'citizen:x', data: { procedure, scopes } }, undefined, at);
  await consent('consent.transmitted', OCTOBER, 'Cantine', ['cnaf_quotient_familial', 'cnaf_enfants']);
  await consent('consent.refused', OCTOBER, 'Cantine', ['cnaf_quotient_familial']);
  await consent('consent.transmitted', NOVEMBER, 'Transports', ['complementaire_sante_solidaire']);
  await journal.append(
    {
      type: 'justificatif.fetched',
      actor: 'sp:a',
      data: { procedure: 'Cantine', producers: ['Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)'], status: 200 },
    },
    undefined,
    OCTOBER,
  );
  for (let i = 0; i < 9; i += 1)
    await journal.append(
      { type: 'justificatif.fetched', actor: 'sp:b', data: { procedure: 'Transports', producers: [], status: 200 } },
      undefined,
      NOVEMBER,
    );
  await journal.append({ type: 'api.error', actor: 'system', data: { route: '/api/v1/justificatif' } }, undefined, NOVEMBER);
  for (const status of ['ok', 'not_found', 'unavailable', 'ok'])
    await journal.append({ type: 'source.fetched', actor: 'system', subject: 'source:quotient_familial', data: { status } }, undefined, NOVEMBER);
  await journal.append({ type: 'agent.view', actor: 'agent:1', data: {} }, undefined, NOVEMBER);
});
afterAll(() => remove());

describe('public statistics', () => {
  it('counts per month, producer and procedure, source availability and the gateway’s availability from the journal', async () => {
    const stats = await computeStatistics(db, NOVEMBER + 1000);
    expect(stats.months).toEqual([
      { month: '2026-10', transmissions: 1, refusals: 1, fetches: 1, apiRequests: 1, apiErrors: 0, availability: 1 },
      { month: '2026-11', transmissions: 1, refusals: 0, fetches: 9, apiRequests: 10, apiErrors: 1, availability: 0.9 },
    ]);
    expect(stats.byProcedure).toEqual([
      { name: 'Cantine', transmissions: 1, refusals: 1, fetches: 1 },
      { name: 'Transports', transmissions: 1, refusals: 0, fetches: 9 },
    ]);
    expect(stats.byProducer.map((p) => [p.name, p.transmissions])).toEqual([
      ['Caisse d’allocations familiales (CAF) ou Mutualité sociale agricole (MSA)', 1],
      ['Assurance Maladie (Sécurité sociale)', 1],
    ]);
    expect(stats.sources).toEqual([{ api: 'quotient_familial', calls: 4, answered: 3, share: 0.75 }]);
  });

  it('is cached for a while', async () => {
    const stats = cachedStatistics(db, 60_000);
    const first = await stats(NOVEMBER + 1000);
    expect(await stats(NOVEMBER + 2000)).toBe(first);
    expect(await stats(NOVEMBER + 70_000)).not.toBe(first);
  });

  it('draws bars in proportion, and flags a month under the 95 % target', () => {
    const bars = groupedBars(['oct.', 'nov.'], [{ name: 'transmissions', className: 'a', values: [1, 2] }]);
    expect(bars.rows[1]?.bars[0]?.width).toBeCloseTo(2 * (bars.rows[0]?.bars[0]?.width ?? 0));
    const shares = shareBars(
      [
        { label: 'oct.', share: 1 },
        { label: 'nov.', share: 0.9 },
      ],
      0.95,
    );
    expect(shares.rows.flatMap((row) => row.bars.map((b) => b.className))).toEqual(['pp-bar--ok', 'pp-bar--alert']);
    expect(shares.line?.label).toBe('objectif 95\u202f%');
  });
});
