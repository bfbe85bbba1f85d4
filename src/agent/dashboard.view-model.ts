import { DAY_MS, frenchDate, frenchDateTime, numericDate } from '../wording/dates.fr.js';
import { SP_EVENT_STATE_TEXTS, SP_EVENT_TYPE_TEXTS } from '../wording/labels.fr.js';
import { countOf } from '../wording/lists.fr.js';
import { DASHBOARD_DAYS, type ProcedureDashboard } from './dashboard.js';

/** The period every dashboard counts, as pages name it. */
export const DASHBOARD_PERIOD = `${DASHBOARD_DAYS} derniers jours`;

/** What the dashboard page shows of a procedure: sentences and rows, nothing left to compute in the template. */
export function dashboardView(dashboard: ProcedureDashboard, now: number) {
  const { totals } = dashboard;
  const transmitted = totals.transmitted.all + totals.transmitted.some + totals.transmitted.none;
  const requests = transmitted + totals.refused + totals.declined;
  const daysLeft = dashboard.habilitation === undefined ? undefined : Math.ceil((dashboard.habilitation.validUntil - now) / DAY_MS);
  return {
    clientId: dashboard.clientId,
    procedure: dashboard.procedure,
    habilitation:
      dashboard.habilitation === undefined || daysLeft === undefined
        ? 'Aucune habilitation en vigueur : le service ne peut rien demander.'
        : `Habilitation ${dashboard.habilitation.id} en vigueur jusqu’au ${frenchDate(dashboard.habilitation.validUntil)} (${countOf(daysLeft, 'jour', 'jours')}).`,
    habilitationEndsSoon: daysLeft !== undefined && daysLeft <= 90,
    period: DASHBOARD_PERIOD,
    requests,
    summary: [
      { label: 'Demandes reçues', value: requests },
      { label: 'Transmises avec toutes les informations', value: totals.transmitted.all },
      { label: 'Transmises avec une partie des informations', value: totals.transmitted.some },
      { label: 'Transmises sans aucune information obtenue', value: totals.transmitted.none },
      { label: 'Refusées par la personne', value: totals.refused },
      { label: 'Abandonnées avant la connexion', value: totals.declined },
    ],
    days: dashboard.days.map((day) => ({
      day: numericDate(day.day),
      // « none » is a word of nunjucks: the template could not read it.
      complete: day.transmitted.all,
      partial: day.transmitted.some,
      nothing: day.transmitted.none,
      refused: day.refused,
      declined: day.declined,
    })),
    apiAnswers: dashboard.apiAnswers.map((answer) => ({
      answer: answer.status === 200 ? '200 (justificatif servi)' : `${answer.status}, code ${answer.code}`,
      count: answer.count,
    })),
    rateLimit: `${countOf(dashboard.rateLimit.thisMinute, 'appel', 'appels')} dans la minute en cours, sur ${dashboard.rateLimit.perMinute} permis par minute (comptés par le serveur qui affiche cette page).`,
    webhookUrl: dashboard.webhookUrl,
    events: dashboard.events.map((event) => ({
      type: SP_EVENT_TYPE_TEXTS[event.type] ?? event.type,
      when: frenchDateTime(event.occurredAt),
      state: SP_EVENT_STATE_TEXTS[event.state],
      stateClass: event.state === 'delivered' ? 'success' : event.state === 'abandoned' ? 'error' : 'info',
      detail: `${countOf(event.attempts, 'essai', 'essais')}${event.lastOutcome === null ? '' : `, dernière réponse : ${event.lastOutcome}`}`,
    })),
  };
}
