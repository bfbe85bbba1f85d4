/** The French wording of every error page, in one place so that it is reviewed in one place. */
export type ErrorAction = 'retry-sign-in' | 'retry-agent-sign-in' | 'home';

export interface ErrorMessage {
  status: number;
  pageTitle: string;
  title: string;
  lead: string;
  help: string[];
  actions: ErrorAction[];
}

const NOTHING_SENT = 'Rien n’a été transmis.';

type SignInFailureCode<P extends string> = `${P}-00${1 | 2 | 3 | 4 | 5 | 6 | 7}`;

/**
 * The seven ways a sign-in with `provider` can fail, as pages: same heading and way out, a different explanation.
 * FranceConnect's pages add that nothing was transmitted; `retry` is the action that starts the sign-in again.
 */
function signInFailures<P extends string>(
  prefix: P,
  provider: string,
  retry: ErrorAction,
  citizen: boolean,
): Record<SignInFailureCode<P>, ErrorMessage> {
  const reassure = citizen ? [NOTHING_SENT] : [];
  const failure = (status: number, help: string[]): ErrorMessage => ({
    status,
    pageTitle: 'Connexion impossible',
    title: `La connexion avec ${provider} n’a pas marché`,
    lead: citizen ? NOTHING_SENT : 'Vous n’êtes pas connecté(e).',
    help,
    actions: [retry, 'home'],
  });
  return {
    [`${prefix}-001`]: {
      status: 400,
      pageTitle: 'Connexion interrompue',
      title: 'Vous n’êtes pas connecté(e)',
      lead: 'Vous avez arrêté la connexion. Vous pouvez recommencer quand vous voulez.',
      help: reassure,
      actions: [retry, 'home'],
    },
    [`${prefix}-002`]: failure(400, [
      `La réponse de ${provider} ne correspond pas à votre demande de connexion. Par sécurité, nous l’avons ignorée.`,
      'Recommencez la connexion depuis cette page.',
    ]),
    [`${prefix}-003`]: {
      status: 400,
      pageTitle: 'Session expirée',
      title: 'Votre session a expiré',
      lead: `Pour protéger vos informations, nous arrêtons après un moment sans action.${citizen ? ' Rien n’a été transmis.' : ''}`,
      help: ['Recommencez la connexion : cela ne prend qu’un instant.'],
      actions: [retry, 'home'],
    },
    [`${prefix}-004`]: failure(502, [`${provider} ne répond pas pour le moment.`, 'Réessayez dans quelques minutes.']),
    [`${prefix}-005`]: failure(502, [
      `La réponse de ${provider} n’a pas pu être vérifiée. Par sécurité, nous l’avons refusée.`,
      'Réessayez dans quelques minutes.',
    ]),
    [`${prefix}-006`]: failure(502, [
      'Le niveau de sécurité de la connexion est insuffisant pour ce service.',
      `Réessayez avec un autre compte proposé par ${provider}.`,
    ]),
    [`${prefix}-007`]: failure(502, [`${provider} a signalé une erreur.`, 'Réessayez dans quelques minutes.']),
  } as Record<SignInFailureCode<P>, ErrorMessage>;
}

export const ERROR_MESSAGES = {
  ...signInFailures('FC', 'FranceConnect', 'retry-sign-in', true),
  ...signInFailures('PC', 'ProConnect', 'retry-agent-sign-in', false),
  'AGENT-001': {
    status: 403,
    pageTitle: 'Accès non autorisé',
    title: 'Vous n’êtes pas habilité(e) à utiliser l’espace agents',
    lead: 'Votre compte ProConnect n’est rattaché à aucune organisation qui utilise Passerelle Particulier.',
    help: ['Demandez à l’administrateur de votre organisation de vous ajouter, puis reconnectez-vous.', 'Votre tentative a été enregistrée.'],
    actions: ['home'],
  },
  'AGENT-003': {
    status: 403,
    pageTitle: 'Accès non autorisé',
    title: 'Ce compte ProConnect n’est pas celui enregistré pour votre adresse',
    lead: 'Votre adresse électronique a déjà servi à se connecter avec un autre compte ProConnect.',
    help: [
      'Si votre compte ProConnect a changé, demandez à l’administrateur de votre organisation de vous retirer puis de vous ajouter à nouveau.',
      'Votre tentative a été enregistrée.',
    ],
    actions: ['home'],
  },
  'AGENT-002': {
    status: 403,
    pageTitle: 'Réservé aux administrateurs',
    title: 'Cette page est réservée aux administrateurs de votre organisation',
    lead: 'Votre rôle vous permet de consulter les justificatifs reçus.',
    help: ['Demandez à un administrateur de votre organisation si vous avez besoin de cet accès.'],
    actions: ['home'],
  },
  'DEMANDE-HAB-001': {
    status: 404,
    pageTitle: 'Introuvable',
    title: 'Nous ne trouvons pas cette demande ou cette habilitation',
    lead: 'Elle n’existe pas, ou elle appartient à une autre organisation que la vôtre.',
    help: ['Retrouvez les demandes de votre organisation sur la page « Espace fournisseurs ».'],
    actions: ['home'],
  },
  'DEMANDE-HAB-002': {
    status: 409,
    pageTitle: 'Étape impossible',
    title: 'Cette étape n’est pas possible pour cette demande ou cette habilitation',
    lead: 'La demande a changé d’état depuis que la page a été ouverte, ou l’étape ne vaut pas pour elle.',
    help: [
      'Rouvrez la demande pour voir son état actuel et son historique.',
      'Une habilitation se prolonge dans ses trois derniers mois, tant qu’elle est en vigueur, par une seule demande à la fois.',
    ],
    actions: ['home'],
  },
  'DEMANDE-HAB-004': {
    status: 403,
    pageTitle: 'Secret réservé au demandeur',
    title: 'Seule la personne qui a fait la demande peut afficher le secret',
    lead: 'Le secret d’un nouveau service ne s’affiche qu’une fois, à la personne qui a demandé l’habilitation.',
    help: ['Demandez-le à cette personne, ou demandez à l’équipe du portail de renouveler le secret.'],
    actions: ['home'],
  },
  'SERVICE-001': {
    status: 403,
    pageTitle: 'Identifiants réservés',
    title: 'Seuls le demandeur et le contact technique du service peuvent changer ses identifiants',
    lead: 'Le secret d’un service, ou l’adresse de ses clés, ne change qu’à la demande des deux personnes que sa demande d’habilitation a nommées pour lui.',
    help: [
      'Demandez à l’une d’elles de le faire depuis l’espace fournisseurs.',
      'Un service enregistré par l’équipe du portail voit ses identifiants changés par elle : écrivez-lui.',
    ],
    actions: ['home'],
  },
  'SERVICE-002': {
    status: 409,
    pageTitle: 'Étape impossible',
    title: 'Ce changement n’est pas possible pour ce service',
    lead: 'Le service a changé depuis que la page a été ouverte, ou le changement ne vaut pas pour lui.',
    help: ['Rouvrez la page du service pour voir ses identifiants actuels.'],
    actions: ['home'],
  },
  'DEMANDE-HAB-003': {
    status: 400,
    pageTitle: 'Message manquant',
    title: 'Un message est nécessaire',
    lead: 'Pour demander des modifications ou refuser une demande, dites au service pourquoi.',
    help: ['Revenez à la demande et écrivez votre message avant de choisir la décision.'],
    actions: ['home'],
  },
  'INSTRUCTION-001': {
    status: 403,
    pageTitle: 'Réservé aux instructeurs',
    title: 'Cette page est réservée aux instructeurs de Passerelle Particulier',
    lead: 'Votre compte ProConnect n’est pas dans la liste des instructeurs.',
    help: [
      'Si vous devez instruire les demandes, demandez à l’équipe du portail de vous ajouter (INSTRUCTOR_EMAILS ou npm run cli -- instructeur add).',
    ],
    actions: ['home'],
  },
  'DEMANDE-001': {
    status: 400,
    pageTitle: 'Demande expirée',
    title: 'Cette demande n’est plus valide',
    lead: 'Elle a expiré ou a déjà été traitée. Rien n’a été transmis.',
    help: ['Revenez sur le site du service et recommencez votre démarche.'],
    actions: ['home'],
  },
  'DEMANDE-002': {
    status: 400,
    pageTitle: 'Demande impossible',
    title: 'Cette demande ne peut pas être traitée',
    lead: 'Le service qui vous a envoyé ici n’est pas reconnu.',
    help: [
      'Nous n’avons consulté aucune information vous concernant.',
      'Revenez sur le site du service et signalez-lui le problème.',
      'Pour l’équipe technique du service : le client_id de la demande n’est pas celui d’un service enregistré.',
    ],
    actions: ['home'],
  },
  'DEMANDE-003': {
    status: 403,
    pageTitle: 'Demande non autorisée',
    title: '{sp} n’a pas l’autorisation de demander ces informations',
    lead: 'Son autorisation a expiré ou a été retirée.',
    help: ['Nous n’avons consulté aucune information vous concernant.', 'Revenez sur le site du service et signalez-lui le problème.'],
    actions: ['home'],
  },
  'DEMANDE-006': {
    status: 403,
    pageTitle: 'Service en bac à sable',
    title: '{sp} est en bac à sable : il ne fonctionne pas ici',
    lead: 'Ce service est encore en essai, avec des identités de test et des données fictives, sur la plateforme de test du portail.',
    help: [
      'Nous n’avons consulté aucune information vous concernant.',
      'Pour l’équipe technique du service : un service en bac à sable ne fonctionne que là où une plateforme de test est ouverte ; pour servir les vraies personnes, demandez son passage en production depuis l’espace fournisseurs.',
    ],
    actions: ['home'],
  },
  'DEMANDE-004': {
    status: 400,
    pageTitle: 'Demande impossible',
    title: 'Cette demande ne peut pas être traitée',
    lead: 'La demande envoyée par le service est incomplète ou incorrecte.',
    help: ['Nous n’avons consulté aucune information vous concernant.', 'Revenez sur le site du service et signalez-lui le problème.'],
    actions: ['home'],
  },
  'DEMANDE-005': {
    status: 400,
    pageTitle: 'Demande impossible',
    title: 'Cette demande ne peut pas être traitée',
    lead: 'Le service n’a pas indiqué l’une de ses adresses de retour déclarées.',
    help: [
      'Par sécurité, nous ne vous envoyons jamais vers une adresse qu’un service n’a pas déclarée.',
      'Nous n’avons consulté aucune information vous concernant.',
      'Revenez sur le site du service et signalez-lui le problème.',
      'Pour l’équipe technique du service : le redirect_uri de la demande n’est aucune des adresses de retour enregistrées pour ce client_id.',
    ],
    actions: ['home'],
  },
  'HTTP-400': {
    status: 400,
    pageTitle: 'Demande incorrecte',
    title: 'Demande incorrecte',
    lead: 'Nous n’avons pas compris votre demande.',
    help: ['Revenez à la page précédente et recommencez.'],
    actions: ['home'],
  },
  'HTTP-403': {
    status: 403,
    pageTitle: 'Formulaire expiré',
    title: 'Votre formulaire a expiré',
    lead: 'Par sécurité, nous n’avons pas pris en compte votre action.',
    help: ['Le formulaire était trop ancien ou ne venait pas de ce site. Rechargez la page, puis recommencez.'],
    actions: ['home'],
  },
  'HTTP-404': {
    status: 404,
    pageTitle: 'Page non trouvée',
    title: 'Page non trouvée',
    lead: 'La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.',
    help: [
      'Si vous avez tapé l’adresse web dans le navigateur, vérifiez qu’elle est correcte. La page n’est peut-être plus disponible.',
      'Dans ce cas, pour continuer votre visite, vous pouvez consulter notre page d’accueil.',
    ],
    actions: ['home'],
  },
  'HTTP-429': {
    status: 429,
    pageTitle: 'Trop de demandes',
    title: 'Trop de demandes',
    lead: 'Vous avez fait beaucoup de demandes en peu de temps.',
    help: ['Patientez une minute, puis réessayez.'],
    actions: ['home'],
  },
  'HTTP-500': {
    status: 500,
    pageTitle: 'Erreur inattendue',
    title: 'Erreur inattendue',
    lead: 'Désolé, le service rencontre un problème. Nous travaillons pour le résoudre le plus rapidement possible.',
    help: ['Essayez de rafraîchir la page ou bien réessayez plus tard.'],
    actions: ['home'],
  },
  'HTTP-503': {
    status: 503,
    pageTitle: 'Service momentanément indisponible',
    title: 'Service momentanément indisponible',
    lead: 'Le service ne peut pas enregistrer votre demande pour le moment. Rien n’a été transmis à moitié : ce qui n’a pas été confirmé n’a pas été enregistré.',
    help: [
      'Réessayez dans quelques instants. Si vous étiez en train de donner votre accord, reprenez la démarche depuis le site de l’administration.',
      // A commit may succeed while its answer is lost in the outage: the person can check, rather than guess.
      'Pour savoir si votre accord a été enregistré, ouvrez « Mon espace » quand le service sera revenu : chaque transmission y figure.',
    ],
    actions: ['home'],
  },
} as const satisfies Record<string, ErrorMessage>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

// The only form an error page offers starts a sign-in, which needs no token (http/csrf.ts, requireSameOriginForm).
export const ACTION_LINKS: Record<ErrorAction, { label: string; href: string; method: 'get' | 'post' }> = {
  'retry-sign-in': { label: 'Réessayer', href: '/connexion/franceconnect', method: 'post' },
  'retry-agent-sign-in': { label: 'Réessayer', href: '/agents/connexion', method: 'get' },
  home: { label: 'Page d’accueil', href: '/', method: 'get' },
};
