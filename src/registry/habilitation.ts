import type { HabilitationTable } from '../db/schema.js';

/** Habilitations last at most 18 months and are renewed by at most 18 months at a time (API Particulier's rule). */
export const MAX_VALIDITY_MONTHS = 18;

export type HabilitationStatus = 'active' | 'pending' | 'expired' | 'revoked';

export function habilitationStatus(h: Pick<HabilitationTable, 'valid_from' | 'valid_until' | 'revoked_at'>, now = Date.now()): HabilitationStatus {
  if (h.revoked_at !== null) return 'revoked';
  if (now < h.valid_from) return 'pending';
  if (now >= h.valid_until) return 'expired';
  return 'active';
}

/** Adds calendar months, keeping the day or the month's last day (31 January + 1 month = 28 February). */
export function addMonths(epochMs: number, months: number): number {
  const date = new Date(epochMs);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}
