import express, { type RequestHandler } from 'express';
import { isRecentSignIn } from '../franceconnect/citizen-session.js';
import { requireCsrfToken } from '../http/csrf.js';
import { type Route, routerFrom } from '../http/route-table.js';
import { type CitizenSpaceControllerDependencies, citizenSpaceController } from './citizen-space.controller.js';

const formBody = express.urlencoded({ extended: false, limit: '4kb' });

/** A citizen signed in recently enough; otherwise the space asks for FranceConnect again and comes back. */
const requireFreshCitizen: RequestHandler = (req, res, next) => {
  const citizen = req.session.citizen;
  if (citizen !== undefined && isRecentSignIn(citizen)) return next();
  res.status(401).render('mon-espace/connexion.njk', { expired: citizen !== undefined });
};

export function citizenSpaceRoutes(dependencies: CitizenSpaceControllerDependencies) {
  const c = citizenSpaceController(dependencies);
  const base = '/mon-espace/transmissions/:reference';
  const routes: Route[] = [
    { method: 'get', path: '/mon-espace', guards: [requireFreshCitizen], handler: c.list },
    { method: 'get', path: base, guards: [requireFreshCitizen], handler: c.detail },
    { method: 'get', path: `${base}/recu`, guards: [requireFreshCitizen], handler: c.printableReceipt },
    { method: 'get', path: `${base}/recu.pdf`, guards: [requireFreshCitizen], handler: c.pdfReceipt },
    { method: 'get', path: `${base}/recu.json`, guards: [requireFreshCitizen], handler: c.signedReceipt },
    { method: 'get', path: `${base}/recu-effacement.json`, guards: [requireFreshCitizen], handler: c.signedErasureReceipt },
    { method: 'get', path: `${base}/retrait`, guards: [requireFreshCitizen], handler: c.confirmWithdrawal },
    { method: 'post', path: `${base}/retrait`, guards: [formBody, requireCsrfToken, requireFreshCitizen], handler: c.withdraw },
  ];
  return routerFrom(routes);
}
