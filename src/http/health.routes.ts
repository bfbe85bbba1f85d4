import type { Kysely } from 'kysely';
import { isDatabaseReachable } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { type Route, routerFrom } from './route-table.js';

/** For load balancers: /healthz says the process answers, /readyz that it can also reach its database. */
export function healthRoutes(db: Kysely<Database>) {
  const routes: Route[] = [
    { method: 'get', path: '/healthz', guards: [], handler: (_req, res) => void res.json({ status: 'ok' }) },
    {
      method: 'get',
      path: '/readyz',
      guards: [],
      handler: async (_req, res) => {
        const reachable = await isDatabaseReachable(db);
        res.status(reachable ? 200 : 503).json({ status: reachable ? 'ok' : 'indisponible', database: reachable ? 'ok' : 'injoignable' });
      },
    },
  ];
  return routerFrom(routes);
}
