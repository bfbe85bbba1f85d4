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

/** The status as service providers read it in a justificatif. */
export const STATUS_CODES: Record<ItemStatus, string> = {
  ok: 'disponible',
  not_found: 'non_trouve',
  unavailable: 'indisponible',
  invalid_input: 'identite_non_reconnue',
  not_holder: 'identite_non_reconnue',
  missing_input: 'information_manquante',
  error: 'erreur',
};

/** What a citizen reads for each status: a badge, why, and what to do instead. */
export const STATUS_TEXTS: Record<
  ItemStatus,
  { badge: string; badgeType: 'success' | 'info' | 'warning' | 'error'; why: (producer: string) => string; instead: (sp: string) => string }
> = {
  ok: { badge: 'Trouvée', badgeType: 'success', why: () => '', instead: () => '' },
  not_found: {
    badge: 'Non trouvée',
    badgeType: 'info',
    why: (producer) => `${capitalize(producer)} ne trouve pas de dossier à votre nom.`,
    instead: (sp) => `Vous pourrez envoyer votre justificatif à ${sp} vous-même. Si c’est une erreur, contactez cet organisme.`,
  },
  unavailable: {
    badge: 'Service indisponible',
    badgeType: 'warning',
    why: (producer) => `${capitalize(producer)} ne répond pas en ce moment.`,
    instead: () => 'Vous pouvez réessayer dans quelques minutes, ou transmettre sans cette information.',
  },
  invalid_input: {
    badge: 'Impossible à vérifier',
    badgeType: 'error',
    why: (producer) => `Les informations de votre compte FranceConnect ne permettent pas à ${producer} de vous retrouver.`,
    instead: (sp) => `Vous pourrez envoyer votre justificatif à ${sp} vous-même.`,
  },
  not_holder: {
    badge: 'Pas à votre nom',
    badgeType: 'error',
    why: (producer) => `Le dossier que ${producer} a trouvé avec ce que vous avez saisi n’est pas à votre nom : nous ne l’affichons pas.`,
    instead: (sp) => `Vérifiez ce que vous avez saisi, ou envoyez votre justificatif à ${sp} vous-même.`,
  },
  missing_input: {
    badge: 'Information manquante',
    badgeType: 'info',
    why: () => 'Il manque une information que vous seul(e) pouvez donner.',
    instead: () => 'Revenez à la demande pour la compléter, ou transmettez sans cette information.',
  },
  error: {
    badge: 'Impossible à vérifier',
    badgeType: 'error',
    why: () => 'Une erreur technique empêche de vérifier cette information.',
    instead: (sp) => `Vous pourrez envoyer votre justificatif à ${sp} vous-même.`,
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
