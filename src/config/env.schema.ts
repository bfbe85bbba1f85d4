import { z } from 'zod';
import { POSTGRES_DEFAULTS } from '../db/database.js';

// Development values are visibly fake so that nobody mistakes them for secrets; production refuses them.
export const DEV_SECRETS = {
  SESSION_SECRET: 'dev-only-session-secret-not-for-production',
  FC_CLIENT_SECRET: 'dev-only-franceconnect-client-secret-not-for-production',
  FC_MOCK_SUB_SECRET: 'dev-only-franceconnect-sub-secret',
  OIDC_PAIRWISE_SECRET: 'dev-only-pairwise-subject-secret-not-for-production',
  DEMO_SP_CLIENT_SECRET: 'dev-only-demo-cantine-secret-not-for-production',
  API_PARTICULIER_TOKEN: 'dev-only-api-particulier-sandbox-token',
  API_IMPOT_PARTICULIER_CLIENT_SECRET: 'dev-only-api-impot-particulier-sandbox-secret',
  // 32 bytes, base64url: visibly fake, refused in production.
  DATA_ENCRYPTION_KEY: 'ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtZmFrZSE',
  PC_CLIENT_SECRET: 'dev-only-proconnect-client-secret-not-for-production',
  // 32 bytes, base64url: visibly fake, refused in production.
  JOURNAL_KEY: 'ZGV2LW9ubHktam91cm5hbC1obWFjLWtleS1mYWtlISE',
} as const;

/** The sender of development mail: a .localhost address, which production refuses. */
export const DEV_MAIL_FROM = 'Passerelle Particulier <ne-pas-repondre@passerelle.localhost>';

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });
const booleanFlag = z.stringbool({ truthy: ['true', '1', 'oui'], falsy: ['false', '0', 'non'] });
const smtpUrl = z.url({ protocol: /^smtps?$/ }).refine((value) => new URL(value).hostname !== '', 'smtp://hôte:port ou smtps://hôte:port attendu');

/**
 * Every variable the portal reads. `describe()` texts feed the README table (a test keeps the two in step).
 * Variables left undefined here get their defaults in config.ts, where production refuses the development ones.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('Mode de fonctionnement'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Adresse d’écoute du portail'),
  PORT: port.default(3000).describe('Port d’écoute du portail'),
  PUBLIC_URL: httpUrl.optional().describe('Adresse publique du portail (défaut http://localhost:PORT)'),
  WEB_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe('Nombre de processus qui servent le portail sur son port (node:cluster) ; un par cœur au plus'),
  TRUST_PROXY: z.coerce.number().int().min(0).default(0).describe('Nombre de proxys de confiance devant le portail'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Niveau des journaux techniques (pino)'),
  DATABASE_URL: z
    .string()
    .min(1)
    .default('file:./data/passerelle.sqlite')
    .describe('Base de données : file:chemin (SQLite, un seul nœud) ou postgres://… (PostgreSQL 15 ou plus, plusieurs nœuds)'),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(POSTGRES_DEFAULTS.poolSize)
    .describe('PostgreSQL : connexions ouvertes au plus par nœud'),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(POSTGRES_DEFAULTS.statementTimeoutMs)
    .describe('PostgreSQL : durée maximale d’une requête SQL (statement_timeout)'),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(POSTGRES_DEFAULTS.connectTimeoutMs)
    .describe('PostgreSQL : délai maximal pour obtenir une connexion ; au-delà, la requête échoue proprement'),
  LOOKUP_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(5000)
    .describe(
      'Durée pendant laquelle un nœud se fie à ce qu’il a lu (jeton, autorisation, fournisseur, habilitation en vigueur) ; une révocation faite ailleurs s’y voit au plus tard après ce délai ; 0 relit la base à chaque requête',
    ),
  SESSION_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret de signature des cookies de session, 32 caractères au moins ; obligatoire en production, valeur factice en développement'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30)
    .describe(
      'Durée d’inactivité avant expiration de la session ; elle peut finir jusqu’à un trentième de cette durée plus tôt (une minute sur 30), pour ne pas réécrire son échéance à chaque page',
    ),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24)
    .default(12)
    .describe('Durée de vie maximale d’une session après la connexion, même active ; il faut ensuite se reconnecter'),
  FC_ISSUER: httpUrl.default('http://localhost:3001/api/v2').describe('Émetteur FranceConnect (issuer, avec /api/v2)'),
  FC_CLIENT_ID: z.string().min(1).default('passerelle-particulier-dev').describe('Identifiant client FranceConnect du portail'),
  FC_CLIENT_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret client FranceConnect du portail ; obligatoire en production, valeur factice en développement'),
  FC_SIGNING_ALG: z.enum(['ES256', 'RS256', 'HS256']).default('ES256').describe('Algorithme de signature de l’ID token et du userinfo'),
  FC_REDIRECT_URI: httpUrl.optional().describe('URI de retour FranceConnect (défaut PUBLIC_URL/connexion/franceconnect/callback)'),
  FC_POST_LOGOUT_REDIRECT_URI: httpUrl.optional().describe('URI de retour après déconnexion (défaut PUBLIC_URL/deconnexion/callback)'),
  FC_SCOPES: z
    .string()
    .regex(/^openid( [a-z_]+)*$/, 'liste de scopes séparés par des espaces, commençant par openid')
    .default('openid given_name family_name birthdate idp_birthdate gender birthplace birthcountry preferred_username')
    .describe('Scopes demandés à FranceConnect'),
  TEST_FC_ISSUER: httpUrl
    .optional()
    .describe(
      'FranceConnect des services en bac à sable (sa plateforme d’intégration, identités de test), avec /api/v2 ; va avec TEST_API_PARTICULIER_URL ; hors production, défaut : le FranceConnect de FC_ISSUER ; absent en production, les services en bac à sable n’y sont pas servis',
    ),
  TEST_FC_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .describe('Identifiant client du portail auprès de TEST_FC_ISSUER ; obligatoire en production avec lui'),
  TEST_FC_CLIENT_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret client du portail auprès de TEST_FC_ISSUER ; obligatoire en production avec lui'),
  TEST_API_PARTICULIER_URL: httpUrl
    .optional()
    .describe('API Particulier des services en bac à sable (sa plateforme de test, données fictives) ; va avec TEST_FC_ISSUER'),
  TEST_API_PARTICULIER_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe('Jeton du portail auprès de TEST_API_PARTICULIER_URL ; obligatoire en production avec elle'),
  FC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000).describe('Délai maximal d’une requête vers FranceConnect'),
  OIDC_PAIRWISE_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret des identifiants (sub) propres à chaque fournisseur de service ; ne doit jamais changer ; obligatoire en production'),
  OIDC_JWKS: z
    .string()
    .optional()
    .describe(
      'Clés privées de signature du serveur d’autorisation (JWKS JSON) ; obligatoire en production, générées et gardées en base en développement',
    ),
  SEED_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Fichier d’amorçage des organisations, fournisseurs de service et habilitations (défaut seed/development.json hors production)'),
  DEMO_SP_URL: httpUrl.default('http://localhost:3004').describe('Adresse du fournisseur de service de démonstration (local)'),
  DEMO_SP_CLIENT_ID: z
    .string()
    .min(1)
    .default('demo-cantine-exempleville')
    .describe(
      'client_id du fournisseur de service de démonstration ; son second client, qui demande avec le jeton FranceConnect, est <client_id>-franceconnect',
    ),
  DEMO_SP_CLIENT_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret du fournisseur de service de démonstration (valeur du fichier d’amorçage par défaut)'),
  PC_ISSUER: httpUrl.default('http://localhost:3002/api/v2').describe('Émetteur ProConnect pour les agents (issuer)'),
  PC_CLIENT_ID: z.string().min(1).default('passerelle-particulier-agents-dev').describe('Identifiant client ProConnect de l’espace agents'),
  PC_CLIENT_SECRET: z
    .string()
    .min(32, '32 caractères au moins')
    .optional()
    .describe('Secret client ProConnect ; obligatoire en production, valeur factice en développement'),
  INSTRUCTOR_EMAILS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email('INSTRUCTOR_EMAILS : des adresses électroniques séparées par des virgules')))
    .describe(
      'Adresses des comptes ProConnect des instructeurs des demandes d’habilitation, séparées par des virgules (s’ajoutent à celles de `npm run cli -- instructeur add` ; défaut hors production : l’instructrice du ProConnect local)',
    ),
  PC_AGENTS_FILE: z.string().min(1).optional().describe('Fichier JSON des agents du ProConnect local (défaut src/dev/proconnect/agents.json)'),
  FORM_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(300)
    .describe('Formulaires envoyés par minute et par adresse IP (connexions, décisions) avant la page « Trop de demandes »'),
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1200)
    .describe('Requêtes par minute et par fournisseur de service sur l’API de données'),
  CLIENT_AUTH_FAILURES_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Authentifications de client refusées par minute et par adresse IP sur /oidc/token avant une réponse 429'),
  RETENTION_PURGE_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60)
    .describe('Fréquence de la purge des justificatifs arrivés à échéance'),
  API_PARTICULIER_URL: httpUrl
    .optional()
    .describe('Adresse d’API Particulier (routes v3) ; obligatoire en production (défaut : le bac à sable local, http://localhost:SANDBOX_PORT)'),
  API_PARTICULIER_TOKEN: z.string().min(16).optional().describe('Jeton (Bearer) du portail auprès d’API Particulier ; obligatoire en production'),
  API_IMPOT_PARTICULIER_URL: httpUrl
    .optional()
    .describe(
      'Adresse de la passerelle de l’API Impôt particulier de la DGFiP (sans /impotparticulier/1.0) ; absente en production, les données fiscales ne sont pas demandées (défaut : le bac à sable local)',
    ),
  API_IMPOT_PARTICULIER_CLIENT_ID: z
    .string()
    .min(1)
    .default('passerelle-particulier')
    .describe('Identifiant client du portail auprès de la DGFiP (jeton client credentials, scope RessourceIR)'),
  API_IMPOT_PARTICULIER_CLIENT_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('Secret client du portail auprès de la DGFiP ; obligatoire en production avec API_IMPOT_PARTICULIER_URL'),
  SOURCE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000).describe('Délai maximal d’une source de données'),
  DATA_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, '32 octets en base64url (43 caractères)')
    .optional()
    .describe('Clé AES-256 (base64url) des données chiffrées en base : sessions, justificatifs ; obligatoire en production'),
  JOURNAL_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, '32 octets en base64url (43 caractères)')
    .optional()
    .describe('Clé HMAC (base64url) qui scelle chaque entrée du journal ; hors de la base, ne doit jamais changer ; obligatoire en production'),
  JOURNAL_ANCHOR_FILE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Fichier où chaque nœud ajoute les ancres du journal, sur un stockage que les utilisateurs de la base ne peuvent pas réécrire ; obligatoire en production (défaut ./data/journal-anchors.jsonl)',
    ),
  JOURNAL_ANCHOR_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5)
    .describe('Fréquence des ancres du journal (si de nouvelles entrées ont été écrites)'),
  SMTP_URL: smtpUrl
    .optional()
    .describe(
      'Serveur d’envoi des courriels, smtp://hôte:port (STARTTLS, exigé en production) ou smtps://hôte:port, identifiants compris ; absente, aucun courriel n’est envoyé (défaut : le collecteur de courriels local quand les services locaux démarrent)',
    ),
  MAIL_FROM: z
    .string()
    .regex(/^(?:[^\r\n<>@,;"]*<[^\s<>@,;"]+@[A-Za-z0-9.-]+>|[^\s<>@,;"]+@[A-Za-z0-9.-]+)$/, '« Nom <adresse> » ou une adresse attendu')
    .default(DEV_MAIL_FROM)
    .describe('Expéditeur des courriels ; à donner en production dès que SMTP_URL l’est'),
  LOCAL_UPSTREAMS: booleanFlag
    .optional()
    .describe(
      'Démarrer les services locaux de développement (défaut : oui hors production) ; le FranceConnect local écoute sur le port de FC_ISSUER',
    ),
  FC_PERSONAS_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Fichier JSON des identités du FranceConnect local (défaut src/dev/franceconnect/personas.json)'),
  FC_MOCK_CLIENTS_FILE: z.string().min(1).optional().describe('Fichier JSON de clients supplémentaires du FranceConnect local'),
  FC_MOCK_SUB_SECRET: z.string().min(16).optional().describe('Secret de calcul des sub du FranceConnect local (valeur factice par défaut)'),
  FC_MOCK_SLOW_TOKEN_MS: z.coerce.number().int().min(0).max(120_000).default(10_000).describe('Attente du jeton pour l’identité « jeton_lent »'),
  SANDBOX_PORT: port
    .default(3003)
    .describe('Port du bac à sable local (API Particulier et API Impôt particulier), quelle que soit API_PARTICULIER_URL'),
  MAIL_CATCHER_SMTP_PORT: port.default(1025).describe('Port SMTP du collecteur de courriels local'),
  MAIL_CATCHER_WEB_PORT: port.default(3005).describe('Port de la page web du collecteur de courriels local'),
});

export type Env = z.infer<typeof envSchema>;
