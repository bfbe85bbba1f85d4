import { APIS } from '../catalogue/apis.js';
import { frenchDateTime, shortMonth } from '../wording/dates.fr.js';
import { frenchNumber, frenchPercent } from '../wording/values.fr.js';
import { groupedBars, shareBars } from './charts.js';
import { AVAILABILITY_TARGET, type Statistics } from './statistics.service.js';

const percent = (share: number | undefined) => (share === undefined ? 'pas de données' : frenchPercent(share));
const apiName = (api: string) => APIS.find((a) => a.id === api)?.name ?? api;

/** What /statistiques shows: every figure already written the French way, in the charts as in the tables. */
export function statisticsPage(stats: Statistics) {
  const labels = stats.months.map((m) => shortMonth(m.month));
  return {
    hasMonths: stats.months.length > 0,
    usage: groupedBars(labels, [
      { name: 'transmissions', one: 'transmission', className: 'pp-bar--1', values: stats.months.map((m) => m.transmissions) },
      { name: 'refus', className: 'pp-bar--2', values: stats.months.map((m) => m.refusals) },
      { name: 'consultations', one: 'consultation', className: 'pp-bar--3', values: stats.months.map((m) => m.fetches) },
    ]),
    availability: shareBars(
      stats.months.map((m, i) => ({ label: labels[i] ?? m.month, share: m.availability })),
      AVAILABILITY_TARGET,
    ),
    sources: shareBars(stats.sources.map((s) => ({ label: apiName(s.api), share: s.share }))),
    sourceRows: stats.sources.map((s) => ({
      name: apiName(s.api),
      calls: frenchNumber(s.calls),
      answered: frenchNumber(s.answered),
      percent: percent(s.share),
    })),
    monthRows: stats.months.map((m, i) => ({
      label: labels[i],
      transmissions: frenchNumber(m.transmissions),
      refusals: frenchNumber(m.refusals),
      fetches: frenchNumber(m.fetches),
      apiRequests: frenchNumber(m.apiRequests),
      apiErrors: frenchNumber(m.apiErrors),
      percent: percent(m.availability),
      meets: m.availability === undefined ? undefined : m.availability >= AVAILABILITY_TARGET,
    })),
    producerRows: stats.byProducer.map((p) => ({ name: p.name, transmissions: frenchNumber(p.transmissions), fetches: frenchNumber(p.fetches) })),
    procedureRows: stats.byProcedure.map((p) => ({
      name: p.name,
      transmissions: frenchNumber(p.transmissions),
      refusals: frenchNumber(p.refusals),
      fetches: frenchNumber(p.fetches),
    })),
    computedAt: frenchDateTime(stats.computedAt),
    target: frenchPercent(AVAILABILITY_TARGET, 0),
  };
}
