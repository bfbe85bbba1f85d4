import { nameWords } from '../wording/name-words.js';
import { isReference, normaliseReference } from './reference.js';

// What agents type to find a justificatif: a number, or words of a name (wording/name-words.ts) and a birth date.

/** A birth date as FranceConnect gives it (YYYY-MM-DD), as agents type it (24/08/1962, 24-08-1962, 24.08.1962). */
export function birthDateOf(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const [year, month, day] = iso !== null ? [iso[1], iso[2], iso[3]] : french !== null ? [french[3], french[2], french[1]] : [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  // 31/02/1990 is no date: Date would roll it over to March.
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date ? undefined : date;
}

/** One search box, read: a justificatif's number, or words of a name and perhaps a birth date. */
export type PersonSearch = { reference: string } | { words: string[]; birthDate: string | undefined };

export function parsePersonSearch(input: string): PersonSearch | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  if (isReference(text)) return { reference: normaliseReference(text) };
  const parts = text.split(/\s+/);
  const dates = parts.map(birthDateOf);
  const birthDate = dates.find((date) => date !== undefined);
  const words = nameWords(parts.filter((_, index) => dates[index] === undefined).join(' '));
  return words.length === 0 && birthDate === undefined ? undefined : { words, birthDate };
}
