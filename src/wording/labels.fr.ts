import { withPreposition } from './contractions.fr.js';

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
    why: (producer) => `Les informations de votre compte FranceConnect ne permettent pas ${withPreposition('à', producer)} de vous retrouver.`,
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

const plural = (count: number, one: string, many: string) => (count > 1 ? many : one);
const informations = (count: number) => `${count} ${plural(count, 'information', 'informations')}`;

/** The recap of what a transmission carries and how long it is kept: said only when something is sent. */
const recap = (sp: string, found: number, total: number, retention: string) =>
  `Vous allez transmettre à ${sp} : ${found} ${plural(found, 'information', 'informations')} sur ${total}. ${sp} ${plural(found, 'la', 'les')} gardera ${retention} au maximum.`;

/**
 * What a transmission obtained (every item, some, none), as the preview and the confirmation tell it. Each outcome
 * has its own words: nothing obtained is never told as data sent, nor as success.
 */
export const OUTCOME_TEXTS = {
  all: {
    alert: undefined,
    recap,
    button: () => 'Transmettre mes données',
    refuse: 'Ne pas transmettre',
    end: {
      type: 'success',
      title: 'C’est fait',
      text: (sp: string, found: number) => `${sp} peut maintenant recevoir les ${informations(found)} que vous avez transmises.`,
      next: undefined,
    },
  },
  some: {
    alert: {
      title: 'Certaines informations manquent',
      text: (sp: string, found: number, total: number) =>
        `Vous pouvez transmettre celles que nous avons obtenues (${found} sur ${total}). ${sp} ne peut pas refuser votre demande pour cette seule raison.`,
    },
    recap,
    button: () => 'Transmettre mes données',
    refuse: 'Ne pas transmettre',
    end: {
      type: 'success',
      title: 'C’est fait',
      text: (sp: string, found: number) =>
        `${sp} peut maintenant recevoir ${plural(found, 'l’information', `les ${found} informations`)} que vous avez ${plural(found, 'transmise', 'transmises')}.`,
      next: (sp: string) => `Pour les autres, envoyez vos justificatifs à ${sp} vous-même :`,
    },
  },
  none: {
    alert: {
      title: 'Nous n’avons obtenu aucune information',
      text: (sp: string) =>
        `Aucune administration n’a pu nous répondre ou trouver votre dossier. Vous pouvez le dire à ${sp} (aucune donnée n’est envoyée, seulement ce résultat), ou ne rien transmettre et envoyer vos justificatifs vous-même.`,
    },
    recap: undefined,
    button: (sp: string) => `Dire à ${sp} qu’aucune information n’a été obtenue`,
    refuse: 'Ne rien transmettre',
    end: {
      type: 'info',
      title: 'Aucune donnée n’a été envoyée',
      text: (sp: string) => `${sp} sait que nous n’avons obtenu aucune information. Aucune donnée n’a été envoyée.`,
      next: (sp: string) => `Pour continuer, envoyez vos justificatifs à ${sp} :`,
    },
  },
} as const;

/** The steps of a request after sign-in, as the stepper names them. */
export const JOURNEY_STEPS = [{ title: 'Lire la demande' }, { title: 'Vérifier vos données' }, { title: 'Confirmation' }];

/** A transmission as its citizen reads it in Mon espace. */
export const SHARE_STATUS_TEXTS = {
  active: { label: 'Transmise', badge: 'success' },
  partial: { label: 'Transmise en partie', badge: 'warning' },
  nothing: { label: 'Aucune information obtenue', badge: 'info' },
  withdrawn: { label: 'Retirée', badge: 'warning' },
  expired: { label: 'Expirée', badge: 'info' },
  refused: { label: 'Refusée', badge: 'info' },
} as const satisfies Record<string, { label: string; badge: BadgeType }>;

/** A justificatif as the organisation's agents read it in their list (also the list's filter, in this order). */
export const JUSTIFICATIF_STATE_TEXTS = {
  complet: { label: 'Complet', badge: 'success' },
  partiel: { label: 'Partiel', badge: 'warning' },
  aucune: { label: 'Aucune information', badge: 'info' },
  expire: { label: 'Expiré', badge: 'info' },
  retire: { label: 'Retiré par l’usager', badge: 'error' },
} as const satisfies Record<string, { label: string; badge: BadgeType }>;

/**
 * Every event the journal records, as an organisation's administrators read it; the journal's list of event types is
 * this table's keys (journal/journal.ts), so that none is ever shown as a code.
 */
export const JOURNAL_EVENT_TEXTS = {
  'consent.transmitted': 'Transmission acceptée par l’usager',
  'consent.refused': 'Transmission refusée par l’usager',
  'request.declined_before_sign_in': 'Demande abandonnée avant connexion',
  'justificatif.fetched': 'Justificatif récupéré par le service',
  'source.fetched': 'Interrogation d’une source de données',
  'source.retried': 'Nouvel essai auprès d’une source, avec une variante de l’identité',
  'api.error': 'Erreur de l’API de données',
  'api.refused': 'Appel de l’API refusé à un service (habilitation, justificatif absent ou retiré)',
  'agent.signed_in': 'Connexion d’un agent',
  'agent.denied': 'Connexion refusée',
  'agent.view': 'Consultation d’un justificatif',
  'agent.print': 'Impression d’un justificatif',
  'agent.search': 'Recherche dans les justificatifs',
  'agent.export': 'Export de la liste des justificatifs',
  'agent.foreign_access': 'Accès refusé à un justificatif',
  'agent.role_changed': 'Changement de rôle d’un agent',
  'agent.digest_sent': 'Envoi du courriel quotidien',
  'journal.export': 'Export du journal',
  'verification.checked': 'Vérification d’un justificatif papier',
  'justificatif.purged': 'Justificatif effacé (durée de conservation atteinte)',
  'justificatif.withdrawn': 'Justificatif retiré par l’usager',
  'operator.action': 'Action d’administration',
  'notification.delivered': 'Événement reçu par le service',
  'notification.abandoned': 'Événement abandonné : refusé par le service, ou jamais accepté',
  'habilitation.expiry_notice': 'Avis de fin prochaine de l’habilitation',
  'habilitation_request.created': 'Demande d’habilitation créée',
  'habilitation_request.submitted': 'Demande d’habilitation soumise',
  'habilitation_request.changes_requested': 'Modifications demandées par l’instruction',
  'habilitation_request.approved': 'Demande d’habilitation validée',
  'habilitation_request.refused': 'Demande d’habilitation refusée',
  'habilitation_request.message': 'Message sur une demande d’habilitation',
  'habilitation_request.secret_shown': 'Secret du nouveau service affiché à son demandeur',
  'service_provider.secret_renewed': 'Secret d’un service renouvelé',
  'service_provider.secret_overlap_ended': 'Ancien secret d’un service arrêté',
  'service_provider.keys_address_set': 'Adresse des clés publiques d’un service enregistrée',
} as const;

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

/** The events pushed to a service, as its administrators read them. */
export const SP_EVENT_TYPE_TEXTS: Record<string, string> = {
  'justificatif.retire': 'Retrait d’un justificatif par la personne',
  'habilitation.expire_bientot': 'Fin prochaine de l’habilitation',
};

/** What became of an event pushed to a service (notifications/event-outbox.ts). */
export const SP_EVENT_STATE_TEXTS = {
  pending: 'en attente',
  delivered: 'reçu par le service',
  abandoned: 'abandonné',
} as const;

/** How an administration was asked, said under its name on the preview (catalogue/call-modes.ts). */
export const CALL_MODE_NOTES = {
  france_connect: (producer: string) =>
    `Obtenu avec votre connexion FranceConnect : ${producer} a reçu votre accord donné sur FranceConnect et a vérifié auprès de FranceConnect qu’il s’agit bien de vous.`,
  identite: (producer: string) =>
    `Obtenu à partir de votre identité FranceConnect (nom, prénoms, date et lieu de naissance), que ${producer} a rapprochée de ses fichiers.`,
} as const;

/** What a page says when the person cancelled at FranceConnect: their choice, not an error. */
export const SIGN_IN_CANCELLED_NOTICE = {
  type: 'info',
  title: 'Vous avez annulé la connexion',
  text: 'Vous pouvez recommencer quand vous voulez.',
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
