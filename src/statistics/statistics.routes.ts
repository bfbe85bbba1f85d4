import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { cachedStatistics } from './statistics.service.js';
import { statisticsPage } from './statistics.view-model.js';

/** GET /statistiques: public usage and availability figures, as API Particulier publishes them. */
export function statisticsRoutes(db: Kysely<Database>) {
  const statistics = cachedStatistics(db);
  const show: RequestHandler = async (_req, res) => {
    res.render('statistiques/statistiques.njk', statisticsPage(await statistics()));
  };
  return routerFrom([{ method: 'get', path: '/statistiques', guards: [], handler: show } satisfies Route]);
}
