import type { RequestHandler } from 'express';
import { type Route, routerFrom } from '../http/route-table.js';
import { PUBLISHER } from '../wording/publisher.fr.js';
import { accessibilityPage, type InformationSettings, personalDataPage } from './information.view-model.js';

const page =
  (view: string, context: object): RequestHandler =>
  (_req, res) =>
    res.render(`information/${view}.njk`, context);

/**
 * The pages the footer links to: accessibility statement, legal notice, personal data, help, site map. Public and
 * static: no session, no cookie; their durations come from the configuration in force.
 */
export function informationRoutes(settings: InformationSettings) {
  return routerFrom([
    { method: 'get', path: '/accessibilite', guards: [], handler: page('accessibilite', accessibilityPage(settings)) },
    { method: 'get', path: '/mentions-legales', guards: [], handler: page('mentions-legales', { publisher: PUBLISHER }) },
    { method: 'get', path: '/donnees-personnelles', guards: [], handler: page('donnees-personnelles', personalDataPage(settings)) },
    { method: 'get', path: '/aide', guards: [], handler: page('aide', { publisher: PUBLISHER }) },
    { method: 'get', path: '/plan-du-site', guards: [], handler: page('plan-du-site', {}) },
  ] satisfies Route[]);
}
