import { fileURLToPath } from 'node:url';
import { DEV_SECRETS, type Env, envSchema } from './env.schema.js';

export type SigningAlg = Env['FC_SIGNING_ALG'];

export interface Config {
  env: Env['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string; trustProxy: number };
  log: { level: Env['LOG_LEVEL'] };
  database: { url: string };
  session: { secret: string; idleMinutes: number; cookieName: string; secureCookie: boolean };
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
  localUpstreams: {
    enabled: boolean;
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

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export function isLocalUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return LOCAL_HOSTNAMES.has(hostname) || hostname.startsWith('127.') || hostname.endsWith('.localhost');
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
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, publicUrl, trustProxy: env.TRUST_PROXY },
    log: { level: env.LOG_LEVEL },
    database: { url: env.DATABASE_URL },
    session: {
      secret: env.SESSION_SECRET ?? DEV_SECRETS.SESSION_SECRET,
      idleMinutes: env.SESSION_IDLE_MINUTES,
      // The __Host- prefix pins the cookie to this exact origin over HTTPS.
      cookieName: production ? '__Host-passerelle' : 'passerelle.sid',
      secureCookie: production,
    },
    franceconnect: {
      issuer: env.FC_ISSUER.replace(/\/+$/, ''),
      clientId: env.FC_CLIENT_ID,
      clientSecret: env.FC_CLIENT_SECRET ?? DEV_SECRETS.FC_CLIENT_SECRET,
      signingAlg: env.FC_SIGNING_ALG,
      redirectUri: env.FC_REDIRECT_URI ?? `${publicUrl}/connexion/franceconnect/callback`,
      postLogoutRedirectUri: env.FC_POST_LOGOUT_REDIRECT_URI ?? `${publicUrl}/deconnexion/callback`,
      scopes: env.FC_SCOPES,
      timeoutMs: env.FC_TIMEOUT_MS,
    },
    localUpstreams: {
      enabled: env.LOCAL_UPSTREAMS ?? !production,
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

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const requireSecret = (name: 'SESSION_SECRET' | 'FC_CLIENT_SECRET') => {
    const value = env[name];
    if (value === undefined) problems.push(`${name} : obligatoire en production`);
    else if (value === DEV_SECRETS[name] || /dev-only|change-?me|secret-de-dev/i.test(value)) {
      problems.push(`${name} : valeur de développement refusée en production`);
    }
  };
  requireSecret('SESSION_SECRET');
  requireSecret('FC_CLIENT_SECRET');
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

