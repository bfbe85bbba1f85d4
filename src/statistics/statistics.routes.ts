import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { APIS } from '../catalogue/apis.js';
import type { Database } from '../db/schema.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { frenchDateTime, shortMonth } from '../wording/dates.fr.js';
import { groupedBars, shareBars } from './charts.js';
import { AVAILABILITY_TARGET, cachedStatistics } from './statistics.service.js';

const percent = (share: number | undefined) => (share === undefined ? 'pas de données' : `${(share * 100).toFixed(1)} %`);

/** GET /statistiques: public usage and availability figures, as API Particulier publishes them. */
export function statisticsRoutes(db: Kysely<Database>) {
  const statistics = cachedStatistics(db);
  const show: RequestHandler = async (_req, res) => {
    const stats = await statistics();
    const labels = stats.months.map((m) => shortMonth(m.month));
    const apiName = (api: string) => APIS.find((a) => a.id === api)?.name ?? api;
    res.render('statistiques/statistiques.njk', {
      stats,
      labels,
      usage: groupedBars(labels, [
        { name: 'transmissions', className: 'pp-bar--1', values: stats.months.map((m) => m.transmissions) },
        { name: 'refus', className: 'pp-bar--2', values: stats.months.map((m) => m.refusals) },
        { name: 'consultations par les services', className: 'pp-bar--3', values: stats.months.map((m) => m.fetches) },
      ]),
      availability: shareBars(
        stats.months.map((m, i) => ({ label: labels[i] ?? m.month, share: m.availability })),
        AVAILABILITY_TARGET,
      ),
      sources: shareBars(stats.sources.map((s) => ({ label: apiName(s.api), share: s.share }))),
      sourceRows: stats.sources.map((s) => ({ ...s, name: apiName(s.api), percent: percent(s.share) })),
      monthRows: stats.months.map((m, i) => ({
        ...m,
        label: labels[i],
        percent: percent(m.availability),
        meets: m.availability === undefined ? undefined : m.availability >= AVAILABILITY_TARGET,
      })),
      computedAt: frenchDateTime(stats.computedAt),
      target: percent(AVAILABILITY_TARGET),
    });
  };
  return routerFrom([{ method: 'get', path: '/statistiques', guards: [], handler: show } satisfies Route]);
}
