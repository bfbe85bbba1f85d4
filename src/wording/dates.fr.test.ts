import { describe, expect, it } from 'vitest';
import { frenchDate, frenchDateTime, frenchDuration, monthName, parisDay, parisMidnight, shortMonth } from './dates.fr.js';

describe('French dates', () => {
  it('reads a calendar date as it is written, without moving it across time zones', () => {
    expect(frenchDate('2026-03-01')).toBe('1 mars 2026');
    expect(frenchDate('1999-12-31')).toBe('31 décembre 1999');
  });

  it('dates an instant by the day it was in Paris, not in UTC', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris (UTC+1 in winter).
    const lateEvening = Date.UTC(2026, 11, 31, 23, 30);
    expect(parisDay(lateEvening)).toBe('2027-01-01');
    expect(frenchDate(lateEvening)).toBe('1 janvier 2027');
    expect(frenchDate(new Date(lateEvening).toISOString())).toBe('1 janvier 2027');
  });

  it('leaves what is not a date unchanged instead of inventing one', () => {
    expect(frenchDate('non renseigné')).toBe('non renseigné');
    expect(frenchDate('2026-13-45')).toBe('2026-13-45');
  });

  it('writes date and time in Paris time, summer time included', () => {
    expect(frenchDateTime(Date.UTC(2026, 6, 14, 8, 5))).toBe('14 juillet 2026 à 10:05');
    expect(frenchDateTime(Date.UTC(2026, 0, 14, 8, 5))).toBe('14 janvier 2026 à 09:05');
  });

  it('writes seconds when asked', () => {
    expect(frenchDateTime(Date.UTC(2026, 6, 14, 8, 5, 9), { seconds: true })).toBe('14 juillet 2026 à 10:05:09');
  });

  it('finds where a Paris day begins, in winter and in summer', () => {
    expect(new Date(parisMidnight('2026-12-05')).toISOString()).toBe('2026-12-04T23:00:00.000Z');
    expect(new Date(parisMidnight('2026-07-14')).toISOString()).toBe('2026-07-13T22:00:00.000Z');
    expect(new Date(parisMidnight('2026-12-31', 1)).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    // The day summer time begins (29 March 2026) still starts at 00:00 winter time.
    expect(new Date(parisMidnight('2026-03-29')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisDay(parisMidnight('2026-10-25'))).toBe('2026-10-25');
  });

  it('names months and durations as the pages say them', () => {
    expect(monthName(9)).toBe('septembre');
    expect(shortMonth('2026-09')).toBe('sept. 2026');
    expect(shortMonth('2027-02')).toBe('févr. 2027');
    expect(monthName(0)).toBe('');
    expect([365, 730, 180, 45, 1].map(frenchDuration)).toEqual(['1 an', '2 ans', '6 mois', '45 jours', '1 jour']);
  });
});
