import type { RequestHandler } from 'express';
import { z } from 'zod';
import { type Route, routerFrom } from '../http/route-table.js';
import { SIGN_OUT_NOTICES } from '../wording/labels.fr.js';

const homeQuery = z.object({ deconnexion: z.enum(['ok', 'partielle']).optional() }).catch({});

const showHome: RequestHandler = (req, res) => {
  const { deconnexion } = homeQuery.parse(req.query);
  res.render('home.njk', { notice: deconnexion === undefined ? undefined : SIGN_OUT_NOTICES[deconnexion] });
};

export const homeRoutes = () => routerFrom([{ method: 'get', path: '/', guards: [], handler: showHome } satisfies Route]);
