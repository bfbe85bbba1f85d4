import { type RequestHandler, Router } from 'express';

export interface Route {
  method: 'get' | 'post';
  path: string;
  /** Middleware named by intent (body parsing, CSRF, rate limit, journey step), run in order before the handler. */
  guards: RequestHandler[];
  handler: RequestHandler;
}

/** Builds a router from a table, so that each route's security reads on one line. */
export function routerFrom(routes: Route[]): Router {
  const router = Router();
  for (const route of routes) router[route.method](route.path, ...route.guards, route.handler);
  return router;
}
