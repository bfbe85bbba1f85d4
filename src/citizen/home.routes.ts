import type { RequestHandler } from 'express';
import { z } from 'zod';
import { CANCELLED } from '../franceconnect/citizen-session.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { SIGN_IN_CANCELLED_NOTICE, SIGN_OUT_NOTICES } from '../wording/labels.fr.js';

const homeQuery = z.object({ deconnexion: z.enum(['ok', 'partielle']).optional(), connexion: z.literal(CANCELLED).optional() }).catch({});

const showHome: RequestHandler = (req, res) => {
  const { deconnexion, connexion } = homeQuery.parse(req.query);
  const notice = deconnexion !== undefined ? SIGN_OUT_NOTICES[deconnexion] : connexion === CANCELLED ? SIGN_IN_CANCELLED_NOTICE : undefined;
  res.render('home.njk', { notice });
};

export const homeRoutes = () => routerFrom([{ method: 'get', path: '/', guards: [], handler: showHome } satisfies Route]);
