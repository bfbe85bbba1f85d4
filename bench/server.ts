/**
 * One server of the bench in a process of its own, forked by bench/run.ts, so that the load generator never shares its
 * event loop: `portal` (one node of npm start on a fresh database, with one service provider and its habilitation;
 * it forks `upstreams`, the local FranceConnect and sandbox, in a process of their own), `portal-workers` (the same
 * on WEB_CONCURRENCY processes, rows (g) and (h)), `express` (the bare handler of row (a)) or `oidc-provider` (the
 * bare provider of row (f)). It says over IPC where it listens, then answers `cpu` (the CPU time its process has
 * spent), `memory` (after a full GC) and `stop`.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Provider from 'oidc-provider';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { openPort } from '../src/http/listen.js';
import { createLogger } from '../src/http/logger.js';
import { addMonths } from '../src/registry/habilitation.js';
import { createRegistry } from '../src/registry/registry.service.js';
import { createPortalMailer, startLocalUpstreams, startPortalNode } from '../src/server.js';
import { startPortalProcess } from '../test/helpers/cluster.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { closedPort, stackEnvironment } from '../test/helpers/stack.js';
import { BENCH_SP_ORIGIN, BENCH_WORKERS, type BenchServer, type FromBench } from './protocol.js';

const send = (message: FromBench) => process.send?.(message);

const listening = async (server: Server) => {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The bench's service provider and its habilitation, registered in the portal's database; returns its secret. */
async function registerServiceProvider(databaseUrl: string): Promise<string> {
  const db = openDatabase(databaseUrl);
  const registry = createRegistry(db, { allowLocalHttp: true });
  await registry.createOrganisation({ siret: '13000999900017', name: 'Banc d’essai' });
  const { clientSecret } = await registry.createServiceProvider({
    siret: '13000999900017',
    clientId: 'sp-banc',
    displayName: 'Banc d’essai',
    procedureName: 'Mesure',
    redirectUris: [`${BENCH_SP_ORIGIN}/callback`],
  });
  await registry.grantHabilitation({
    clientId: 'sp-banc',
    scopes: ['cnaf_quotient_familial', 'cnaf_enfants'],
    purpose: 'Mesurer les performances du portail.',
    legalBasis: 'Banc d’essai',
    legalReference: 'aucune',
    retentionDays: 1,
    validUntil: addMonths(Date.now(), 1),
  });
  await db.destroy();
  return clientSecret ?? '';
}

// The limits protect a national service from one client; here they would only measure themselves.
const UNLIMITED = { LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '100000000' };

/**
 * One node of the portal in this process, as `npm start` runs it, and its local upstreams (FranceConnect, API
 * Particulier's sandbox) in another: in production they are other services on other machines, so their work is not
 * the portal's. The load still shares the machine's cores with them, as with the bench itself.
 */
async function portal(): Promise<{ info: BenchServer; stop: () => Promise<void>; upstreamsCpu: () => Promise<number> }> {
  const portalPort = await openPort('127.0.0.1', 0);
  // Free ports for the upstreams' process to listen on.
  const [franceconnect, sandbox, proconnect, demoServiceProvider] = await Promise.all([closedPort(), closedPort(), closedPort(), closedPort()]);
  const database = await createTestDatabase();
  const env = stackEnvironment({ portal: portalPort.port, franceconnect, sandbox, proconnect, demoServiceProvider }, database, UNLIMITED);
  const upstreams = fork(fileURLToPath(import.meta.url), ['upstreams', JSON.stringify(env)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const smtpUrl = await new Promise<string>((resolve, reject) => {
    upstreams.once('message', (message: FromBench) => (message.type === 'upstreams' ? resolve(message.smtpUrl) : reject(new Error(message.type))));
    upstreams.once('exit', (code) => reject(new Error(`services locaux du banc arrêtés (code ${code})`)));
  });
  const config = loadConfig({ ...env, LOCAL_UPSTREAMS: 'false', SMTP_URL: smtpUrl });
  const logger = createLogger(config.log.level);
  const node = await startPortalNode(config, logger, { port: portalPort, mailer: createPortalMailer(config, logger, undefined), maintenance: true });
  const clientSecret = await registerServiceProvider(config.database.url);
  return {
    info: { url: portalPort.origin, issuer: config.authorization.issuer, clientId: 'sp-banc', clientSecret },
    upstreamsCpu: () =>
      new Promise((resolve) => {
        upstreams.once('message', (message: FromBench) => resolve(message.type === 'cpu' ? message.ms : Number.NaN));
        upstreams.send({ type: 'cpu' });
      }),
    async stop() {
      await node.stop();
      await new Promise((resolve) => {
        upstreams.once('exit', resolve);
        upstreams.kill('SIGTERM');
      });
      await database.drop();
    },
  };
}

/** The local upstreams of the `portal` role, configured from its environment. */
async function localUpstreams(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const config = loadConfig(JSON.parse(process.argv[3] ?? '{}') as Record<string, string>);
  const running = await startLocalUpstreams(config, createLogger(config.log.level));
  send({ type: 'upstreams', smtpUrl: running.mailCatcher?.smtpUrl ?? '' });
  process.once('SIGTERM', () => void running.stop().then(() => process.exit(0)));
  // A portal that went away without stopping them (the bench interrupted) leaves no upstreams behind.
  process.once('disconnect', () => process.exit(0));
  return { info: { url: '', issuer: '', clientId: '', clientSecret: '' }, stop: () => running.stop() };
}

/** npm start with WEB_CONCURRENCY=`BENCH_WORKERS` (a primary and its workers, children of this process), clients connecting directly. */
async function portalWorkers(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const running = await startPortalProcess(BENCH_WORKERS, { balancer: false, env: UNLIMITED });
  const clientSecret = await registerServiceProvider(running.databaseUrl);
  return {
    info: { url: running.publicUrl, issuer: `${running.publicUrl}/oidc`, clientId: 'sp-banc', clientSecret },
    stop: async () => void (await running.stop()),
  };
}

async function bareExpress(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const app = express();
  app.get('/', (_req, res) => void res.json({ status: 'ok' }));
  const server = createServer(app);
  const url = await listening(server);
  return { info: { url: `${url}/`, issuer: '', clientId: '', clientSecret: '' }, stop: async () => void server.close() };
}

/** oidc-provider alone, in memory, with its development login and consent forms. */
async function bareProvider(): Promise<{ info: BenchServer; stop: () => Promise<void> }> {
  const server = createServer();
  const issuer = await listening(server);
  const secret = randomBytes(32).toString('hex');
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ancre',
        client_secret: secret,
        redirect_uris: [`${BENCH_SP_ORIGIN}/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 1800, Session: 1800, Grant: 3600 },
  });
  server.on('request', provider.callback());
  return { info: { url: issuer, issuer, clientId: 'ancre', clientSecret: secret }, stop: async () => void server.close() };
}

const ROLES = { portal, upstreams: localUpstreams, 'portal-workers': portalWorkers, express: bareExpress, 'oidc-provider': bareProvider } as const;
const role = process.argv[2] as keyof typeof ROLES;
const running: { info: BenchServer; stop: () => Promise<void>; upstreamsCpu?: () => Promise<number> } = await ROLES[role]();
process.on('message', async (message: { type: 'memory' | 'cpu' | 'stop' }) => {
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu', ms: (user + system) / 1000, upstreamsMs: await running.upstreamsCpu?.() });
  } else if (message.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'memory', rss, heapUsed });
  } else {
    await running.stop();
    process.exit(0);
  }
});
if (role !== 'upstreams') send({ type: 'ready', server: running.info });
