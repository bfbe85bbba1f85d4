import type { Kysely } from 'kysely';
import { apiOf } from '../catalogue/catalogue.js';
import { PRODUCERS } from '../catalogue/producers.js';
import { SCOPES } from '../catalogue/scopes.js';
import type { Database } from '../db/schema.js';
import { entriesOfTypesSince } from '../journal/journal-reader.js';
import { parisDay } from '../wording/dates.fr.js';

/** The gateway's promise in the terms of use: 95 % monthly availability. */
export const AVAILABILITY_TARGET = 0.95;

const COUNTED = ['consent.transmitted', 'consent.refused', 'justificatif.fetched', 'source.fetched', 'api.error'] as const;
const SOURCE_ANSWERED = new Set(['ok', 'not_found', 'invalid_input', 'not_holder', 'missing_input']);

const monthOf = (at: number) => parisDay(at).slice(0, 7);

const producerOfScope = new Map(SCOPES.map((entry) => [entry.scope, PRODUCERS[apiOf(entry).producer].name]));

export interface MonthStatistics {
  month: string;
  transmissions: number;
  refusals: number;
  fetches: number;
  apiRequests: number;
  apiErrors: number;
  availability: number | undefined;
}

export interface Statistics {
  months: MonthStatistics[];
  byProducer: Array<{ name: string; transmissions: number; fetches: number }>;
  byProcedure: Array<{ name: string; transmissions: number; refusals: number; fetches: number }>;
  sources: Array<{ api: string; calls: number; answered: number; share: number | undefined }>;
  computedAt: number;
}

const bump = <K>(map: Map<K, Record<string, number>>, key: K, field: string) => {
  const row = map.get(key) ?? {};
  row[field] = (row[field] ?? 0) + 1;
  map.set(key, row);
};

/** Public statistics, computed from the journal alone (no personal data in them), over the last 12 months. */
export async function computeStatistics(db: Kysely<Database>, now = Date.now()): Promise<Statistics> {
  const since = now - 366 * 24 * 60 * 60 * 1000;
  const rows = await entriesOfTypesSince(db, COUNTED, since);
  const months = new Map<string, Record<string, number>>();
  const producers = new Map<string, Record<string, number>>();
  const procedures = new Map<string, Record<string, number>>();
  const sources = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const data = JSON.parse(row.data) as { procedure?: string; scopes?: string[]; producers?: string[]; status?: string | number };
    const month = monthOf(row.at);
    if (row.type === 'consent.transmitted' || row.type === 'consent.refused') {
      const field = row.type === 'consent.transmitted' ? 'transmissions' : 'refusals';
      bump(months, month, field);
      if (data.procedure !== undefined) bump(procedures, data.procedure, field);
      if (field === 'transmissions')
        for (const name of new Set((data.scopes ?? []).map((scope) => producerOfScope.get(scope) ?? scope))) bump(producers, name, field);
    } else if (row.type === 'justificatif.fetched') {
      bump(months, month, 'fetches');
      bump(months, month, 'apiRequests');
      if (data.procedure !== undefined) bump(procedures, data.procedure, 'fetches');
      for (const name of data.producers ?? []) bump(producers, name, 'fetches');
    } else if (row.type === 'api.error') {
      bump(months, month, 'apiRequests');
      bump(months, month, 'apiErrors');
    } else {
      const api = row.subject?.replace(/^source:/, '') ?? 'inconnue';
      bump(sources, api, 'calls');
      if (SOURCE_ANSWERED.has(String(data.status))) bump(sources, api, 'answered');
    }
  }
  return {
    months: [...months.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, c]) => ({
        month,
        transmissions: c.transmissions ?? 0,
        refusals: c.refusals ?? 0,
        fetches: c.fetches ?? 0,
        apiRequests: c.apiRequests ?? 0,
        apiErrors: c.apiErrors ?? 0,
        availability: c.apiRequests ? 1 - (c.apiErrors ?? 0) / c.apiRequests : undefined,
      })),
    byProducer: [...producers.entries()]
      .map(([name, c]) => ({ name, transmissions: c.transmissions ?? 0, fetches: c.fetches ?? 0 }))
      .sort((a, b) => b.transmissions - a.transmissions),
    byProcedure: [...procedures.entries()]
      .map(([name, c]) => ({ name, transmissions: c.transmissions ?? 0, refusals: c.refusals ?? 0, fetches: c.fetches ?? 0 }))
      .sort((a, b) => b.transmissions - a.transmissions),
    sources: [...sources.entries()]
      .map(([api, c]) => ({ api, calls: c.calls ?? 0, answered: c.answered ?? 0, share: c.calls ? (c.answered ?? 0) / c.calls : undefined }))
      .sort((a, b) => a.api.localeCompare(b.api)),
    computedAt: now,
  };
}

/** Computed at most once per `ttlMs`: the page is public and must not cost a journal scan per visit. */
export function cachedStatistics(db: Kysely<Database>, ttlMs = 5 * 60 * 1000) {
  let cache: Promise<Statistics> | undefined;
  let at = 0;
  return (now = Date.now()) => {
    if (cache === undefined || now - at >= ttlMs) {
      at = now;
      cache = computeStatistics(db, now).catch((error: unknown) => {
        cache = undefined;
        throw error;
      });
    }
    return cache;
  };
}
