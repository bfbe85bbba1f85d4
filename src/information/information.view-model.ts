import { CATALOGUE_SCOPES, groupByProducer } from '../catalogue/catalogue.js';
import type { Config } from '../config/config.js';
import { frenchDate } from '../wording/dates.fr.js';
import { ACCESSIBILITY_STATEMENT, PUBLISHER } from '../wording/publisher.fr.js';

/** What the information pages read from the configuration: the durations they state are the ones in force. */
export type InformationSettings = Pick<Config, 'session' | 'retention'>;

export interface Cookie {
  name: string;
  purpose: string;
  lifetime: string;
}

const count = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const minutes = (n: number) => count(n, 'minute', 'minutes');
const hours = (n: number) => count(n, 'heure', 'heures');

// oidc-provider's sliding session and its interactions last 30 minutes (authorization/authorization-server.ts, TTL).
const AUTHORIZATION_SESSION_MINUTES = 30;
const INTERACTION_MINUTES = 30;

/** The session's limits in words: « 30 minutes sans activité, et au plus tard 12 heures après la connexion ». */
function sessionLimits(settings: InformationSettings) {
  return { idle: minutes(settings.session.idleMinutes), max: hours(settings.session.maxHours) };
}

export function accessibilityPage(settings: InformationSettings) {
  return {
    publisher: PUBLISHER,
    rgaaVersion: ACCESSIBILITY_STATEMENT.rgaaVersion,
    establishedOn: frenchDate(ACCESSIBILITY_STATEMENT.establishedOn),
    session: sessionLimits(settings),
  };
}

/**
 * Every cookie the portal sets, all of them needed to sign in and to carry a service's request: exempt from consent
 * (CNIL, article 82 of the loi Informatique et Libertés), hence no consent banner. The authorization server signs each
 * of its cookies with a companion cookie named after it with « .sig ».
 */
export function portalCookies(settings: InformationSettings): Cookie[] {
  const { idle, max } = sessionLimits(settings);
  return [
    {
      name: settings.session.cookieName,
      purpose:
        'Votre session sur Passerelle Particulier : votre connexion avec FranceConnect (ou ProConnect pour les agents) et la demande en cours.',
      lifetime: `Déposé quand vous commencez à vous connecter. Expire après ${idle} sans activité, et au plus tard ${max} après la connexion.`,
    },
    {
      name: 'pp_session',
      purpose: 'Votre connexion auprès du serveur d’autorisation, qui remet vos informations au service qui les demande, avec votre accord.',
      lifetime: `Expire après ${minutes(AUTHORIZATION_SESSION_MINUTES)} sans activité, et au plus tard ${max} après la connexion.`,
    },
    {
      name: 'pp_interaction',
      purpose: 'La demande du service qui vous a envoyé ici, le temps que vous la lisiez et décidiez.',
      lifetime: `${minutes(INTERACTION_MINUTES)}.`,
    },
    {
      name: 'pp_interaction_resume',
      purpose: 'Reprendre cette demande après votre connexion.',
      lifetime: `${minutes(INTERACTION_MINUTES)}.`,
    },
  ];
}

export function personalDataPage(settings: InformationSettings) {
  return {
    publisher: PUBLISHER,
    session: sessionLimits(settings),
    purgeDelay: minutes(settings.retention.purgeIntervalMinutes),
    cookies: portalCookies(settings),
    producers: groupByProducer(CATALOGUE_SCOPES).map((group) => ({ name: group.name, items: group.items.map((item) => item.title) })),
  };
}
