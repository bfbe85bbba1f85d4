/**
 * Dates and times as people in France read them, in Paris time whatever the server's zone: « 4 décembre 2026 »,
 * « 4 décembre 2026 à 17:05 ». The one place where the product turns an instant into words.
 */
const TIME_ZONE = 'Europe/Paris';

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

const longDateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'long', timeStyle: 'short' });
const longDateTimeSeconds = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'long', timeStyle: 'medium' });
const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const calendarParts = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The French name of a month, 1 to 12; empty for anything else. */
/** One day, in milliseconds: a duration, not a calendar day (parisMidnight counts those). */
export const DAY_MS = 24 * 60 * 60 * 1000;

export const monthName = (month: number): string => MONTHS[month - 1] ?? '';

const SHORT_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

/** A month written YYYY-MM, as a chart's axis says it: « sept. 2026 ». */
export const shortMonth = (month: string): string => `${SHORT_MONTHS[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;

/** The day in Paris of an instant, as YYYY-MM-DD. */
export function parisDay(epochMs: number): string {
  const parts = Object.fromEntries(calendarParts.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/**
 * « 4 décembre 2026 »: a calendar date written YYYY-MM-DD (as producers send them) is read as it is; an instant
 * (epoch milliseconds, or an ISO date-time) is the day it was in Paris. Anything else is returned unchanged.
 */
export function frenchDate(value: number | string): string {
  const day = typeof value === 'number' ? parisDay(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? parisDay(Date.parse(value)) : value;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null || Number.isNaN(Date.parse(day))) return String(value);
  const [, year, month, date] = match;
  return `${Number(date)} ${monthName(Number(month))} ${year}`;
}

/** « 4 décembre 2026 à 17:05 », in Paris time; with seconds where events a moment apart must be told apart (the journal). */
export const frenchDateTime = (epochMs: number, options: { seconds?: boolean } = {}): string =>
  (options.seconds === true ? longDateTimeSeconds : longDateTime).format(new Date(epochMs));

/** The instant a Paris day (YYYY-MM-DD) begins, `plusDays` later: the bounds of a search by day. */
export function parisMidnight(day: string, plusDays = 0): number {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const utcMidnight = Date.UTC(year, month - 1, date + plusDays);
  // Paris is one or two hours ahead of UTC: of the two instants, the one Paris clocks read as midnight.
  const candidates = [1, 2].map((hours) => utcMidnight - hours * 60 * 60 * 1000);
  return candidates.find((instant) => wallClock.format(new Date(instant)).endsWith(' 00:00')) ?? utcMidnight - 60 * 60 * 1000;
}

/** A retention period as the request page says it: « 1 an », « 3 ans », « 6 mois », « 45 jours ». */
export function frenchDuration(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 an' : `${days / 365} ans`;
  if (days % 30 === 0) return `${days / 30} mois`;
  return days === 1 ? '1 jour' : `${days} jours`;
}

/** « 24/08/1962 »: a calendar date (YYYY-MM-DD) as forms and lists show it; anything else unchanged. */
export function numericDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return match === null ? day : `${match[3]}/${match[2]}/${match[1]}`;
}
