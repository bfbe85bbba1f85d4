/**
 * Every status and label a person reads, in one place: what became of an item, of a transmission, of a justificatif,
 * who did what in an access log, the state of a habilitation. Error pages have their own catalogue (messages.fr.ts);
 * the names of data items belong to the data catalogue (catalogue/scopes.ts).
 */
type BadgeType = 'success' | 'info' | 'warning' | 'error' | 'new';

export interface ItemStatusText {
  badge: string;
  badgeType: BadgeType;
  why: (producer: string) => string;
  instead: (sp: string) => string;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What a citizen reads for each item's status: a badge, why, and what to do instead. */
export const ITEM_STATUS_TEXTS = {
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
} satisfies Record<string, ItemStatusText>;

/** The steps of a request after sign-in, as the stepper names them. */
export const JOURNEY_STEPS = [{ title: 'Lire la demande' }, { title: 'Vérifier vos données' }, { title: 'Confirmation' }];

/** A transmission as its citizen reads it in Mon espace. */
export const SHARE_STATUS_TEXTS = {
  active: { label: 'Transmise', badge: 'success' },
  withdrawn: { label: 'Retirée', badge: 'warning' },
  expired: { label: 'Expirée', badge: 'info' },
  refused: { label: 'Refusée', badge: 'info' },
} as const satisfies Record<string, { label: string; badge: BadgeType }>;

/** A justificatif as the organisation's agents read it in their list (also the list's filter, in this order). */
export const JUSTIFICATIF_STATE_TEXTS = {
  complet: { label: 'Complet', badge: 'success' },
  partiel: { label: 'Partiel', badge: 'warning' },
  expire: { label: 'Expiré', badge: 'info' },
  retire: { label: 'Retiré par l’usager', badge: 'error' },
} as const satisfies Record<string, { label: string; badge: BadgeType }>;

/** What the citizen's access log says each recorded event did with their justificatif. */
export const ACCESS_ACTION_TEXTS = {
  'justificatif.fetched': 'a reçu vos informations',
  'agent.view': 'a consulté le justificatif',
  'agent.print': 'a imprimé le justificatif',
} as const;

/** A habilitation's state, as operators read it in the command line. */
export const HABILITATION_STATUS_TEXTS = {
  active: 'active',
  pending: 'à venir',
  expired: 'expirée',
  revoked: 'révoquée',
} as const;

/** The home page's notice after a sign-out. */
export const SIGN_OUT_NOTICES = {
  ok: { type: 'success', title: 'Vous êtes déconnecté(e)', text: 'Votre session est terminée, ici et sur FranceConnect.' },
  partielle: {
    type: 'warning',
    title: 'Vous êtes déconnecté(e) de Passerelle Particulier',
    text: 'FranceConnect n’a pas répondu. Pour terminer aussi la session FranceConnect, fermez votre navigateur.',
  },
} as const;
