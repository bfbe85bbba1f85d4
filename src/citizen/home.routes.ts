import type { RequestHandler } from 'express';
import { z } from 'zod';
import { type Route, routerFrom } from '../http/route-table.js';

const NOTICES = {
  ok: { type: 'success', title: 'Vous êtes déconnecté(e)', text: 'Votre session est terminée, ici et sur FranceConnect.' },
  partielle: {
    type: 'warning',
    title: 'Vous êtes déconnecté(e) de Passerelle Particulier',
    text: 'FranceConnect n’a pas répondu. Pour terminer aussi la session FranceConnect, fermez votre navigateur.',
  },
} as const;

const homeQuery = z.object({ deconnexion: z.enum(['ok', 'partielle']).optional() }).catch({});

const showHome: RequestHandler = (req, res) => {
  const { deconnexion } = homeQuery.parse(req.query);
  res.render('home.njk', { notice: deconnexion === undefined ? undefined : NOTICES[deconnexion] });
};

export const homeRoutes = () => routerFrom([{ method: 'get', path: '/', guards: [], handler: showHome } satisfies Route]);
