import { hkdfSync } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { DatabaseSettings } from '../db/database.js';
import { DEV_MAIL_FROM, DEV_SECRETS, type Env, envSchema } from './env.schema.js';
import { keyBits, textSecretBits } from './secret-strength.js';

export type SigningAlg = Env['FC_SIGNING_ALG'];

export interface Config {
  env: Env['NODE_ENV'];
  /** `workers`: processes serving the port (WEB_CONCURRENCY). */
  http: { host: string; port: number; publicUrl: string; trustProxy: number; workers: number };
  log: { level: Env['LOG_LEVEL'] };
  database: DatabaseSettings;
  session: { secret: string; idleMinutes: number; maxHours: number; cookieName: string; secureCookie: boolean };
  franceconnect: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    signingAlg: SigningAlg;
    redirectUri: string;
    postLogoutRedirectUri: string;
    scopes: string;
    timeoutMs: number;
  };
  authorization: {
    issuer: string;
    pairwiseSecret: string;
    /** Private JWKS from configuration; undefined in development, where keys are generated and kept in the database. */
    jwks: { keys: Array<Record<string, unknown>> } | undefined;
    cookieKeys: string[];
  };
  /**
   * What serves the services in « bac à sable »: FranceConnect's integration platform and the data providers' test
   * platforms. Outside production, unless set, the same upstreams as production (the local ones); in production,
   * undefined unless set: the services in « bac à sable » are then not served here.
   */
  testPlatform: { franceconnect: Config['franceconnect']; sources: Config['sources'] } | undefined;
  proconnect: { issuer: string; clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string; timeoutMs: number };
  retention: { purgeIntervalMinutes: number };
  /** The ProConnect accounts, by e-mail, that instruct habilitation requests (besides those the CLI adds). */
  instructorEmails: string[];
  /** Form posts per minute and per IP address (sign-ins, decisions). */
  formRateLimitPerMinute: number;
  /** Data API requests per minute and per service provider. */
  apiRateLimitPerMinute: number;
  /** Failed client authentications per minute and per IP address at the token endpoint. */
  clientAuthFailuresPerMinute: number;
  /** How long a node believes what it read of tokens, grants, service providers and habilitations (db/lookup-cache.ts). */
  lookupCacheMs: number;
  registry: { seedFile: string | undefined };
  sources: {
    apiParticulierUrl: string;
    apiParticulierToken: string;
    /** The DGFiP's API Impôt particulier; undefined when not configured in production (no tax data asked). */
    impotParticulier: { url: string; clientId: string; clientSecret: string } | undefined;
    timeoutMs: number;
  };
  /** AES-256 key, base64url (kept as text so that the configuration stays frozen and printable). */
  dataEncryptionKey: string;
  /** The journal's HMAC key (base64url, 32 bytes) and where this node writes anchors of its head. */
  journal: { key: string; anchorFile: string; anchorIntervalMinutes: number };
  demoServiceProvider: { url: string; port: number; clientId: string; clientSecret: string };
  /** No SMTP URL: no mail is sent, unless the local mail catcher starts (the composition root then sends there). */
  mail: { smtpUrl: string | undefined; from: string; requireTls: boolean };
  localUpstreams: {
    enabled: boolean;
    sandboxPort: number;
    proconnectPort: number;
    agentsFile: string;
    mailCatcher: { smtpPort: number; webPort: number };
    franceconnect: {
      port: number;
      personasFile: string;
      clientsFile: string | undefined;
      subSecret: string;
      slowTokenMs: number;
    };
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_PERSONAS_FILE = fileURLToPath(new URL('../dev/franceconnect/personas.json', import.meta.url));
const DEFAULT_AGENTS_FILE = fileURLToPath(new URL('../dev/proconnect/agents.json', import.meta.url));
const DEFAULT_ANCHOR_FILE = './data/journal-anchors.jsonl';
/** The local ProConnect's instructor (src/dev/proconnect/agents.json): an instructor out of the box in development. */
const DEV_INSTRUCTOR_EMAIL = 'helene.leroy@passerelle.example.gouv.fr';
const DEFAULT_SEED_FILE = fileURLToPath(new URL('../../seed/development.json', import.meta.url));

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string(), d: z.string() })).min(1) });

// Loopback, "this host" and link-local, however written: 127.1, 0x7f.1, [::ffff:127.0.0.1] and [::1] are all here.
const LOCAL_ADDRESSES = new BlockList();
LOCAL_ADDRESSES.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL_ADDRESSES.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL_ADDRESSES.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL_ADDRESSES.addAddress('::1', 'ipv6');
LOCAL_ADDRESSES.addAddress('::', 'ipv6');
LOCAL_ADDRESSES.addSubnet('fe80::', 10, 'ipv6');

/** An address on this machine or its link: a development upstream, never production's. */
export function isLocalUrl(url: string): boolean {
  // The URL parser has already normalised numeric forms of IPv4 and IPv6 addresses.
  const hostname = new URL(url).hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const family = isIP(hostname);
  if (family !== 0) return LOCAL_ADDRESSES.check(hostname, family === 6 ? 'ipv6' : 'ipv4');
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/** Parses the environment once; in production, refuses development secrets and local upstreams. */
export function loadConfig(source: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} : ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems = production ? productionProblems(env) : [];
  // The test platform is FranceConnect's integration and API Particulier's test platform, named together.
  if ((env.TEST_FC_ISSUER === undefined) !== (env.TEST_API_PARTICULIER_URL === undefined))
    problems.push('TEST_FC_ISSUER et TEST_API_PARTICULIER_URL : l’une ne va pas sans l’autre');
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  // The local sandbox listens on its own port: API_PARTICULIER_URL may point at the real staging meanwhile.
  const sandboxUrl = `http://localhost:${env.SANDBOX_PORT}`;
  const sessionSecret = env.SESSION_SECRET ?? DEV_SECRETS.SESSION_SECRET;
  const jwks = parseJwks(env.OIDC_JWKS);
  const franceconnect: Config['franceconnect'] = {
    issuer: env.FC_ISSUER.replace(/\/+$/, ''),
    clientId: env.FC_CLIENT_ID,
    clientSecret: env.FC_CLIENT_SECRET ?? DEV_SECRETS.FC_CLIENT_SECRET,
    signingAlg: env.FC_SIGNING_ALG,
    redirectUri: env.FC_REDIRECT_URI ?? `${publicUrl}/connexion/franceconnect/callback`,
    postLogoutRedirectUri: env.FC_POST_LOGOUT_REDIRECT_URI ?? `${publicUrl}/deconnexion/callback`,
    scopes: env.FC_SCOPES,
    timeoutMs: env.FC_TIMEOUT_MS,
  };
  const sources: Config['sources'] = {
    apiParticulierUrl: (env.API_PARTICULIER_URL ?? sandboxUrl).replace(/\/+$/, ''),
    impotParticulier:
      production && env.API_IMPOT_PARTICULIER_URL === undefined
        ? undefined
        : {
            url: (env.API_IMPOT_PARTICULIER_URL ?? sandboxUrl).replace(/\/+$/, ''),
            clientId: env.API_IMPOT_PARTICULIER_CLIENT_ID,
            clientSecret: env.API_IMPOT_PARTICULIER_CLIENT_SECRET ?? DEV_SECRETS.API_IMPOT_PARTICULIER_CLIENT_SECRET,
          },
    apiParticulierToken: env.API_PARTICULIER_TOKEN ?? DEV_SECRETS.API_PARTICULIER_TOKEN,
    timeoutMs: env.SOURCE_TIMEOUT_MS,
  };
  const config: Config = {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, publicUrl, trustProxy: env.TRUST_PROXY, workers: env.WEB_CONCURRENCY },
    log: { level: env.LOG_LEVEL },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    },
    session: {
      secret: sessionSecret,
      idleMinutes: env.SESSION_IDLE_MINUTES,
      maxHours: env.SESSION_MAX_HOURS,
      // The __Host- prefix pins the cookie to this exact origin over HTTPS.
      cookieName: production ? '__Host-passerelle' : 'passerelle.sid',
      secureCookie: production,
    },
    franceconnect,
    testPlatform:
      env.TEST_FC_ISSUER === undefined || env.TEST_API_PARTICULIER_URL === undefined
        ? production
          ? undefined
          : { franceconnect, sources }
        : {
            franceconnect: {
              ...franceconnect,
              issuer: env.TEST_FC_ISSUER.replace(/\/+$/, ''),
              clientId: env.TEST_FC_CLIENT_ID ?? franceconnect.clientId,
              clientSecret: env.TEST_FC_CLIENT_SECRET ?? franceconnect.clientSecret,
            },
            sources: {
              ...sources,
              apiParticulierUrl: env.TEST_API_PARTICULIER_URL.replace(/\/+$/, ''),
              apiParticulierToken: env.TEST_API_PARTICULIER_TOKEN ?? sources.apiParticulierToken,
              // The DGFiP has no test platform of API Impôt particulier that the portal would call in production.
              impotParticulier: production ? undefined : sources.impotParticulier,
            },
          },
    authorization: {
      issuer: `${publicUrl}/oidc`,
      pairwiseSecret: env.OIDC_PAIRWISE_SECRET ?? DEV_SECRETS.OIDC_PAIRWISE_SECRET,
      jwks,
      // Derived rather than configured: rotating SESSION_SECRET rotates these too, and nothing else depends on them.
      cookieKeys: [Buffer.from(hkdfSync('sha256', sessionSecret, 'passerelle-particulier', 'oidc-cookies', 32)).toString('base64url')],
    },
    proconnect: {
      issuer: env.PC_ISSUER.replace(/\/+$/, ''),
      clientId: env.PC_CLIENT_ID,
      clientSecret: env.PC_CLIENT_SECRET ?? DEV_SECRETS.PC_CLIENT_SECRET,
      redirectUri: `${publicUrl}/agents/connexion/callback`,
      postLogoutRedirectUri: `${publicUrl}/agents/deconnexion/callback`,
      timeoutMs: env.FC_TIMEOUT_MS,
    },
    retention: { purgeIntervalMinutes: env.RETENTION_PURGE_INTERVAL_MINUTES },
    formRateLimitPerMinute: env.FORM_RATE_LIMIT_PER_MINUTE,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    clientAuthFailuresPerMinute: env.CLIENT_AUTH_FAILURES_PER_MINUTE,
    lookupCacheMs: env.LOOKUP_CACHE_MS,
    registry: { seedFile: env.SEED_FILE ?? (production ? undefined : DEFAULT_SEED_FILE) },
    instructorEmails: env.INSTRUCTOR_EMAILS.length > 0 || production ? env.INSTRUCTOR_EMAILS : [DEV_INSTRUCTOR_EMAIL],
    sources,
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY ?? DEV_SECRETS.DATA_ENCRYPTION_KEY,
    journal: {
      key: env.JOURNAL_KEY ?? DEV_SECRETS.JOURNAL_KEY,
      anchorFile: env.JOURNAL_ANCHOR_FILE ?? DEFAULT_ANCHOR_FILE,
      anchorIntervalMinutes: env.JOURNAL_ANCHOR_INTERVAL_MINUTES,
    },
    demoServiceProvider: {
      url: env.DEMO_SP_URL.replace(/\/+$/, ''),
      port: Number(new URL(env.DEMO_SP_URL).port || 80),
      clientId: env.DEMO_SP_CLIENT_ID,
      clientSecret: env.DEMO_SP_CLIENT_SECRET ?? DEV_SECRETS.DEMO_SP_CLIENT_SECRET,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, requireTls: production },
    localUpstreams: {
      enabled: env.LOCAL_UPSTREAMS ?? !production,
      sandboxPort: env.SANDBOX_PORT,
      proconnectPort: Number(new URL(env.PC_ISSUER).port || 80),
      agentsFile: env.PC_AGENTS_FILE ?? DEFAULT_AGENTS_FILE,
      mailCatcher: { smtpPort: env.MAIL_CATCHER_SMTP_PORT, webPort: env.MAIL_CATCHER_WEB_PORT },
      franceconnect: {
        port: Number(new URL(env.FC_ISSUER).port || 80),
        personasFile: env.FC_PERSONAS_FILE ?? DEFAULT_PERSONAS_FILE,
        clientsFile: env.FC_MOCK_CLIENTS_FILE,
        subSecret: env.FC_MOCK_SUB_SECRET ?? DEV_SECRETS.FC_MOCK_SUB_SECRET,
        slowTokenMs: env.FC_MOCK_SLOW_TOKEN_MS,
      },
    },
  };
  return deepFreeze(config);
}

function parseJwks(text: string | undefined): Config['authorization']['jwks'] {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(['OIDC_JWKS : JSON illisible']);
  }
  const parsed = jwksSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(['OIDC_JWKS : un JWKS de clés privées est attendu ({"keys":[…]} avec « d »)']);
  return parsed.data;
}

const PRODUCTION_SECRETS = [
  'SESSION_SECRET',
  'FC_CLIENT_SECRET',
  'OIDC_PAIRWISE_SECRET',
  'API_PARTICULIER_TOKEN',
  'API_IMPOT_PARTICULIER_CLIENT_SECRET',
  'DATA_ENCRYPTION_KEY',
  'PC_CLIENT_SECRET',
  'JOURNAL_KEY',
] as const;
type ProductionSecret = (typeof PRODUCTION_SECRETS)[number];

/**
 * The least estimated strength accepted in production. Our own secrets and key: 128 bits. Secrets issued by
 * FranceConnect, ProConnect and API Particulier are theirs to make strong: only a visibly weak one is refused.
 */
const MINIMUM_BITS: Record<ProductionSecret, number> = {
  SESSION_SECRET: 128,
  OIDC_PAIRWISE_SECRET: 128,
  DATA_ENCRYPTION_KEY: 128,
  JOURNAL_KEY: 128,
  FC_CLIENT_SECRET: 64,
  PC_CLIENT_SECRET: 64,
  API_PARTICULIER_TOKEN: 64,
  API_IMPOT_PARTICULIER_CLIENT_SECRET: 64,
};

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const requireSecret = (name: ProductionSecret) => {
    const value = env[name];
    if (value === undefined) problems.push(`${name} : obligatoire en production`);
    else if (value === DEV_SECRETS[name] || /dev-only|change-?me|secret-de-dev/i.test(value)) {
      problems.push(`${name} : valeur de développement refusée en production`);
    } else {
      const binaryKey = name === 'DATA_ENCRYPTION_KEY' || name === 'JOURNAL_KEY';
      const bits = binaryKey ? keyBits(value) : textSecretBits(value);
      if (bits < MINIMUM_BITS[name]) {
        problems.push(
          `${name} : trop prévisible en production (environ ${bits} bits, ${MINIMUM_BITS[name]} au moins) ; tirez-le au hasard, par exemple ${binaryKey ? 'openssl rand 32 | basenc --base64url' : 'openssl rand -base64 48'}`,
        );
      }
    }
  };
  requireSecret('SESSION_SECRET');
  requireSecret('FC_CLIENT_SECRET');
  requireSecret('OIDC_PAIRWISE_SECRET');
  requireSecret('API_PARTICULIER_TOKEN');
  requireSecret('DATA_ENCRYPTION_KEY');
  requireSecret('PC_CLIENT_SECRET');
  requireSecret('JOURNAL_KEY');
  if (env.JOURNAL_ANCHOR_FILE === undefined) {
    problems.push('JOURNAL_ANCHOR_FILE : obligatoire en production, sur un stockage que les utilisateurs de la base ne peuvent pas réécrire');
  }
  // One value for two secrets makes one leak worth two: each must be its own.
  const given = PRODUCTION_SECRETS.filter((name) => env[name] !== undefined);
  for (const [index, name] of given.entries()) {
    const twin = given.slice(index + 1).find((other) => env[other] === env[name]);
    if (twin !== undefined) problems.push(`${name} et ${twin} : même valeur ; chaque secret doit être différent`);
  }
  if (isLocalUrl(env.PC_ISSUER) || !env.PC_ISSUER.startsWith('https://'))
    problems.push('PC_ISSUER : ProConnect local ou non https refusé en production');
  if (env.API_PARTICULIER_URL === undefined) problems.push('API_PARTICULIER_URL : obligatoire en production');
  else if (isLocalUrl(env.API_PARTICULIER_URL) || !env.API_PARTICULIER_URL.startsWith('https://')) {
    problems.push('API_PARTICULIER_URL : bac à sable local ou adresse non https refusés en production');
  }
  if (env.API_IMPOT_PARTICULIER_URL !== undefined) {
    requireSecret('API_IMPOT_PARTICULIER_CLIENT_SECRET');
    if (isLocalUrl(env.API_IMPOT_PARTICULIER_URL) || !env.API_IMPOT_PARTICULIER_URL.startsWith('https://'))
      problems.push('API_IMPOT_PARTICULIER_URL : bac à sable local ou adresse non https refusés en production');
  }
  if (env.OIDC_JWKS === undefined) problems.push('OIDC_JWKS : obligatoire en production (clés partagées par tous les nœuds)');
  // The test platform: never local in production.
  for (const name of ['TEST_FC_ISSUER', 'TEST_API_PARTICULIER_URL'] as const) {
    const value = env[name];
    if (value !== undefined && (isLocalUrl(value) || !value.startsWith('https://')))
      problems.push(`${name} : adresse locale ou non https refusée en production`);
  }
  if (env.TEST_FC_ISSUER !== undefined)
    for (const name of ['TEST_FC_CLIENT_ID', 'TEST_FC_CLIENT_SECRET', 'TEST_API_PARTICULIER_TOKEN'] as const)
      if (env[name] === undefined) problems.push(`${name} : obligatoire en production avec TEST_FC_ISSUER`);
  if (env.PUBLIC_URL === undefined) problems.push('PUBLIC_URL : obligatoire en production');
  else if (!env.PUBLIC_URL.startsWith('https://')) problems.push('PUBLIC_URL : doit être en https en production');
  if (isLocalUrl(env.FC_ISSUER) || !env.FC_ISSUER.startsWith('https://')) {
    problems.push('FC_ISSUER : service FranceConnect local ou non https refusé en production');
  }
  for (const name of ['FC_REDIRECT_URI', 'FC_POST_LOGOUT_REDIRECT_URI'] as const) {
    const value = env[name];
    if (value !== undefined && (isLocalUrl(value) || !value.startsWith('https://'))) {
      problems.push(`${name} : adresse locale ou non https refusée en production`);
    }
  }
  // Read as http, the URL parser normalises the host (127.1, 0x7f.1…); an smtp: URL keeps it as written.
  if (env.SMTP_URL !== undefined && isLocalUrl(env.SMTP_URL.replace(/^smtps?:/, 'http:'))) {
    problems.push('SMTP_URL : collecteur de courriels local ou adresse locale refusés en production');
  }
  const senderDomain = /@([A-Za-z0-9.-]+)>?$/.exec(env.MAIL_FROM)?.[1] ?? '';
  if (env.SMTP_URL !== undefined && (env.MAIL_FROM === DEV_MAIL_FROM || isLocalUrl(`http://${senderDomain}`))) {
    problems.push('MAIL_FROM : adresse de développement ou locale refusée en production');
  }
  if (env.LOCAL_UPSTREAMS === true) problems.push('LOCAL_UPSTREAMS : les services locaux ne démarrent jamais en production');
  if (env.FC_SIGNING_ALG === 'HS256') problems.push('FC_SIGNING_ALG : FranceConnect v2 exige une signature asymétrique (ES256 ou RS256)');
  return problems;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
