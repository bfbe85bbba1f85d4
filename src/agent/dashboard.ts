import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { entriesForDashboard } from '../journal/journal-reader.js';
import { type Completeness, completenessOfCount } from '../justificatif/document.js';
import { latestSpEvents, stateOf } from '../notifications/event-outbox.js';
import type { Registry } from '../registry/registry.service.js';
import { parisDay, parisMidnight } from '../wording/dates.fr.js';

/** How far back the dashboard looks, in days, today included. */
export const DASHBOARD_DAYS = 30;

const REQUEST_TYPES = ['consent.transmitted', 'consent.refused', 'request.declined_before_sign_in'] as const;
const API_TYPES = ['justificatif.fetched', 'api.refused'] as const;

/** One day of a procedure's requests: transmitted (by what was obtained), refused, given up before signing in. */
export interface DayOfRequests {
  day: string;
  transmitted: Record<Completeness, number>;
  refused: number;
  declined: number;
}

export interface ProcedureDashboard {
  clientId: string;
  procedure: string;
  habilitation: { id: string; validUntil: number } | undefined;
  webhookUrl: string | null;
  days: DayOfRequests[];
  totals: Omit<DayOfRequests, 'day'>;
  /** The data API's answers to this service, by HTTP status and code, most frequent first. */
  apiAnswers: Array<{ status: number; code: string; count: number }>;
  rateLimit: { perMinute: number; thisMinute: number };
  events: Array<{ id: string; type: string; occurredAt: number; state: ReturnType<typeof stateOf>; attempts: number; lastOutcome: string | null }>;
}

export interface DashboardDependencies {
  db: Kysely<Database>;
  registry: Pick<Registry, 'serviceProvidersOf' | 'findServiceProvider' | 'activeHabilitation'>;
  /** The data API's limit per service, and how many calls it counted for one in the current minute (on this process). */
  apiRateLimit: { perMinute: number; thisMinute(clientId: string): Promise<number> };
  now?: () => number;
}

const dataOf = (data: string): Record<string, unknown> => {
  const parsed: unknown = JSON.parse(data);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
};

const emptyDay = (day: string): DayOfRequests => ({ day, transmitted: { all: 0, some: 0, none: 0 }, refused: 0, declined: 0 });

/** The service a journal entry is about: named in its data for requests, its actor for API reads. */
const clientOf = (entry: { actor: string; data: Record<string, unknown> }) =>
  entry.actor.startsWith('sp:') ? entry.actor.slice('sp:'.length) : typeof entry.data.clientId === 'string' ? entry.data.clientId : undefined;

/**
 * An organisation's procedures as its administrators watch them, from the journal: the requests of the last 30 days
 * and what came of them, the data API's answers by code, the rate limit, and the events pushed to the service.
 */
export function createDashboard({ db, registry, apiRateLimit, now = Date.now }: DashboardDependencies) {
  /** Every procedure of the organisation, or the one service given (its staff's page in /fournisseurs). */
  return async (organisationId: string, onlyClientId?: string): Promise<ProcedureDashboard[]> => {
    const at = now();
    const since = parisMidnight(parisDay(at), -(DASHBOARD_DAYS - 1));
    const procedures = (await registry.serviceProvidersOf(organisationId)).filter(
      (sp) => onlyClientId === undefined || sp.client_id === onlyClientId,
    );
    const entries = (
      await entriesForDashboard(db, {
        types: [...REQUEST_TYPES, ...API_TYPES],
        since,
        organisationId,
        actors: procedures.map((sp) => `sp:${sp.client_id}`),
      })
    ).map((entry) => ({ ...entry, data: dataOf(entry.data) }));
    return Promise.all(
      procedures.map(async (sp): Promise<ProcedureDashboard> => {
        const mine = entries.filter((entry) => clientOf(entry) === sp.client_id);
        const days = new Map<string, DayOfRequests>();
        const totals = emptyDay('');
        const answers = new Map<string, { status: number; code: string; count: number }>();
        for (const entry of mine) {
          if (entry.type === 'justificatif.fetched' || entry.type === 'api.refused') {
            const status = typeof entry.data.status === 'number' ? entry.data.status : 0;
            const code = typeof entry.data.code === 'string' ? entry.data.code : status === 200 ? '—' : 'producteur';
            const key = `${status} ${code}`;
            answers.set(key, { status, code, count: (answers.get(key)?.count ?? 0) + 1 });
            continue;
          }
          const day = parisDay(entry.at);
          const counted = days.get(day) ?? emptyDay(day);
          days.set(day, counted);
          for (const target of [counted, totals]) {
            if (entry.type === 'consent.refused') target.refused += 1;
            else if (entry.type === 'request.declined_before_sign_in') target.declined += 1;
            else {
              const statuses = Array.isArray(entry.data.statuses) ? (entry.data.statuses as Array<[string, string]>) : [];
              target.transmitted[completenessOfCount(statuses.filter(([, statut]) => statut === 'disponible').length, statuses.length)] += 1;
            }
          }
        }
        const [registered, habilitation, thisMinute, events] = await Promise.all([
          registry.findServiceProvider(sp.client_id),
          registry.activeHabilitation(sp.client_id),
          apiRateLimit.thisMinute(sp.client_id),
          latestSpEvents(db, sp.client_id, 10),
        ]);
        const { day: _day, ...sums } = totals;
        return {
          clientId: sp.client_id,
          procedure: sp.procedure_name,
          habilitation: habilitation === undefined ? undefined : { id: habilitation.id, validUntil: habilitation.valid_until },
          webhookUrl: registered?.webhook_url ?? null,
          days: [...days.values()].sort((a, b) => b.day.localeCompare(a.day)),
          totals: sums,
          apiAnswers: [...answers.values()].sort((a, b) => b.count - a.count || a.status - b.status),
          rateLimit: { perMinute: apiRateLimit.perMinute, thisMinute },
          events: events.map((event) => ({
            id: event.id,
            type: event.type,
            occurredAt: event.occurred_at,
            state: stateOf(event),
            attempts: event.attempts,
            lastOutcome: event.last_outcome,
          })),
        };
      }),
    );
  };
}

export type Dashboard = ReturnType<typeof createDashboard>;
