import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { type Config, loadConfig } from '../../src/config/config.js';
import { openPort } from '../../src/http/listen.js';
import { createLogger } from '../../src/http/logger.js';
import { type RunningServices, startServices } from '../../src/server.js';
import { createTestDatabase, type TestDatabaseLocation } from './database.js';

export interface Stack {
  config: Config;
  /** The environment the portal was configured from: another node of the same deployment starts from it. */
  env: Record<string, string>;
  portalUrl: string;
  fcIssuer: string;
  demoSpUrl: string;
  sandboxUrl: string;
  services: RunningServices;
  stop(): Promise<void>;
}

/**
 * The real portal and the real local upstreams on 127.0.0.1, port 0, on a fresh database: a SQLite file, or a new
 * PostgreSQL database when the suite runs under scripts/with-postgres.sh. A database passed in is the stack's to drop.
 */
export async function startStack(env: Record<string, string> = {}, logs?: DestinationStream, database?: TestDatabaseLocation): Promise<Stack> {
  const portal = await openPort('127.0.0.1', 0);
  const franceconnect = await openPort('127.0.0.1', 0);
  const demoServiceProvider = await openPort('127.0.0.1', 0);
  const sandbox = await openPort('127.0.0.1', 0);
  const proconnect = await openPort('127.0.0.1', 0);
  const owned = database ?? (await createTestDatabase());
  const environment = stackEnvironment(
    {
      portal: portal.port,
      franceconnect: franceconnect.port,
      demoServiceProvider: demoServiceProvider.port,
      sandbox: sandbox.port,
      proconnect: proconnect.port,
    },
    owned,
    env,
  );
  const config = loadConfig(environment);
  const services = await startServices(config, createLogger(logs ? 'debug' : config.log.level, logs), {
    portal,
    franceconnect,
    proconnect,
    sandbox,
    demoServiceProvider,
  });
  if (services.franceconnect === undefined) await franceconnect.close();
  if (services.demoServiceProvider === undefined) await demoServiceProvider.close();
  if (services.sandbox === undefined) await sandbox.close();
  if (services.proconnect === undefined) await proconnect.close();
  return {
    config,
    env: environment,
    portalUrl: portal.origin,
    fcIssuer: config.franceconnect.issuer,
    demoSpUrl: config.demoServiceProvider.url,
    sandboxUrl: config.sources.apiParticulierUrl,
    services,
    async stop() {
      await services.stop();
      await owned.drop();
    },
  };
}

/** The environment of a portal on 127.0.0.1 whose local upstreams listen on the given ports, on a test database. */
export function stackEnvironment(
  ports: { portal: number; franceconnect: number; demoServiceProvider: number; sandbox: number; proconnect: number },
  database: TestDatabaseLocation,
  env: Record<string, string> = {},
): Record<string, string> {
  const origin = (port: number) => `http://127.0.0.1:${port}`;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: String(ports.portal),
    PUBLIC_URL: origin(ports.portal),
    FC_ISSUER: `${origin(ports.franceconnect)}/api/v2`,
    DEMO_SP_URL: origin(ports.demoServiceProvider),
    API_PARTICULIER_URL: origin(ports.sandbox),
    API_IMPOT_PARTICULIER_URL: origin(ports.sandbox),
    SANDBOX_PORT: String(ports.sandbox),
    PC_ISSUER: `${origin(ports.proconnect)}/api/v2`,
    SOURCE_TIMEOUT_MS: '1500',
    // Every test journey comes from 127.0.0.1: the per-address limit would throttle the suite, not a person.
    FORM_RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_URL: database.url,
    JOURNAL_ANCHOR_FILE: join(database.directory, 'journal-anchors.jsonl'),
    FC_TIMEOUT_MS: '1500',
    FC_MOCK_SLOW_TOKEN_MS: '3000',
    // The mail catcher's ports are in no URL of the configuration: any free ones will do, for stacks running side by side.
    MAIL_CATCHER_SMTP_PORT: '0',
    MAIL_CATCHER_WEB_PORT: '0',
    ...env,
  };
}

/** A port that nobody listens on, for "unreachable" cases. */
export async function closedPort(): Promise<number> {
  const port = await openPort('127.0.0.1', 0);
  await port.close();
  return port.port;
}
