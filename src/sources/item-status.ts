import { ITEM_STATUS_TEXTS, type ItemStatusText } from '../wording/labels.fr.js';
import type { ApiAnswer } from './api-particulier.client.js';

/**
 * What became of one source: found, not found, unavailable (timeout, 429, 5xx, circuit open), the identity did not
 * let the producer find the person (400/422), the file found from what the citizen typed is someone else's, an
 * extra input is missing, or our own access failed (401/403).
 */
export type ItemStatus = 'ok' | 'not_found' | 'unavailable' | 'invalid_input' | 'not_holder' | 'missing_input' | 'error';

export function statusOf(answer: ApiAnswer): ItemStatus {
  if (answer.kind !== 'answer') return 'unavailable';
  if (answer.status === 200) return 'ok';
  if (answer.status === 404) return 'not_found';
  if (answer.status === 400 || answer.status === 422) return 'invalid_input';
  if (answer.status === 429 || answer.status >= 500) return 'unavailable';
  return 'error';
}

/** The service did answer (even "not found"): the circuit stays closed. */
export const sourceAnswered = (answer: ApiAnswer) => answer.kind === 'answer' && answer.status < 500 && answer.status !== 429;

/** What a citizen reads for a status: every status has its words (the type checks it). */
export const statusText = (status: ItemStatus): ItemStatusText => ITEM_STATUS_TEXTS[status];
